package io.ascendant.tenancy.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tenancy.common.TenancyException;
import java.util.Map;

/**
 * A 400 of Keycloak's user create, as the caller's input error it is. Keycloak validates the user profile (e-mail
 * syntax, the characters of a name, lengths) and answers {@code {"field":"email","errorMessage":"invalidEmailMessage",
 * "params":[...]}} for one fault, {@code {"errorMessage":"...","errors":[{"field":..},..]}} for several, or only
 * {@code {"errorMessage":"..."}}. The first fault that names a field becomes the problem's field, in the admin API's
 * names ({@code username} is the e-mail address here); a body that says nothing usable still gives a 400 saying that
 * Keycloak refused the user's details.
 */
final class KeycloakUserRefusal {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keycloak's message keys that we can say in plain words; others are quoted as Keycloak sent them. */
    private static final Map<String, String> PLAIN = Map.of(
            "invalidEmailMessage", "is not an e-mail address Keycloak accepts",
            "error-invalid-email", "is not an e-mail address Keycloak accepts",
            "error-person-name-invalid-character",
                    "contains a character Keycloak does not accept in a name (such as < > & \" $ % ! # ? ; * / \\ |"
                            + " ^ = [ ] { } ( ))",
            "error-invalid-length", "is longer or shorter than Keycloak accepts",
            "error-username-invalid-character", "contains a character Keycloak does not accept in a user name",
            "missingEmailMessage", "is required by Keycloak");

    private KeycloakUserRefusal() {}

    /**
     * The refusal for Keycloak's answer body ({@code body} may be empty or not JSON).
     *
     * @return an {@link TenancyException.Invalid} naming {@code email}, {@code firstName} or {@code lastName} when
     *     Keycloak named the field, no field otherwise
     */
    static TenancyException.Invalid of(String body) {
        JsonNode error = null;
        try {
            JsonNode root = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (root != null && root.isObject()) {
                error = root;
                for (JsonNode e : root.path("errors")) {
                    if (e.hasNonNull("field")) {
                        error = e;
                        break;
                    }
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: the generic refusal below
        }
        String message = error == null ? "" : error.path("errorMessage").asText("");
        String field = error == null ? null : ourField(error.path("field").asText(""));
        if (field == null) {
            return new TenancyException.Invalid(
                    null,
                    "Keycloak refused the user's details (e-mail address, first or last name)"
                            + (message.isBlank() ? "" : ": " + message));
        }
        String why = PLAIN.get(message);
        return new TenancyException.Invalid(
                field,
                field + " "
                        + (why != null
                                ? why + " (" + message + ")"
                                : "was refused by Keycloak" + (message.isBlank() ? "" : " (" + message + ")")));
    }

    private static String ourField(String keycloakField) {
        return switch (keycloakField) {
            case "email", "username" -> "email";
            case "firstName" -> "firstName";
            case "lastName" -> "lastName";
            default -> null;
        };
    }
}
