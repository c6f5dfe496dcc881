package io.ascendant.tenancy.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.tenancy.common.TenancyException;
import org.junit.jupiter.api.Test;

class KeycloakUserRefusalTest {

    @Test
    void oneFaultNamesOurFieldAndSaysWhyInPlainWords() {
        TenancyException.Invalid e = KeycloakUserRefusal.of(
                "{\"field\":\"email\",\"errorMessage\":\"invalidEmailMessage\",\"params\":[\"email\"]}");
        assertThat(e.field()).isEqualTo("email");
        assertThat(e.getMessage()).isEqualTo("email is not an e-mail address Keycloak accepts (invalidEmailMessage)");
    }

    @Test
    void severalFaultsNameTheFirstFieldAndTheUsernameIsTheEmail() {
        TenancyException.Invalid e = KeycloakUserRefusal.of("{\"errorMessage\":\"x\",\"errors\":["
                + "{\"field\":\"username\",\"errorMessage\":\"error-username-invalid-character\"},"
                + "{\"field\":\"lastName\",\"errorMessage\":\"error-person-name-invalid-character\"}]}");
        assertThat(e.field()).isEqualTo("email");
        assertThat(e.getMessage()).startsWith("email contains a character Keycloak does not accept in a user name");
    }

    @Test
    void anUnknownMessageKeyIsQuoted() {
        TenancyException.Invalid e = KeycloakUserRefusal.of("{\"field\":\"lastName\",\"errorMessage\":\"new-key\"}");
        assertThat(e.field()).isEqualTo("lastName");
        assertThat(e.getMessage()).isEqualTo("lastName was refused by Keycloak (new-key)");
    }

    @Test
    void aBodyWithoutAFieldOrNotJsonIsAGeneralRefusalOfTheDetails() {
        TenancyException.Invalid withMessage = KeycloakUserRefusal.of("{\"errorMessage\":\"User name is missing\"}");
        assertThat(withMessage.field()).isNull();
        assertThat(withMessage.getMessage())
                .isEqualTo("Keycloak refused the user's details (e-mail address, first or last name): User name is"
                        + " missing");
        for (String body : new String[] {"", null, "<html>Bad Request</html>", "[1]"}) {
            TenancyException.Invalid e = KeycloakUserRefusal.of(body);
            assertThat(e.field()).isNull();
            assertThat(e.getMessage())
                    .isEqualTo("Keycloak refused the user's details (e-mail address, first or last name)");
        }
    }
}
