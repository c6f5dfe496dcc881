package io.ascendant.tenancy.apikey;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A permission of an API key: the group of tenant endpoints it may call, like the permissions of OpenAI's project
 * keys. A key carries a non-empty set of scopes ({@code api_key.scopes}, migration V012); a request to an endpoint whose
 * scope the key lacks is refused with 403 {@link TenantApiError#INSUFFICIENT_SCOPE} before its body, model or limits
 * are looked at.
 *
 * <p>Defaults: a key created without {@code scopes} gets {@link #NEW_KEY_DEFAULT} ({@code inference} only: an
 * application key cannot read the whole tenant's usage and invoices unless its creator asks for that); keys that
 * existed before scopes did, and rows inserted without the column, have every scope (what they could do before).
 */
public enum ApiKeyScope {
    /**
     * The model endpoints: {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/messages},
     * {@code /v1/messages/count_tokens}, {@code GET /v1/models[/{id}]}.
     */
    INFERENCE("inference"),
    /** The tenant billing API: {@code GET /v1/usage}, {@code /v1/invoices[/{id}[/pdf|/csv]]}. */
    BILLING_READ("billing:read");

    /** The scopes of a key created without naming any. */
    public static final Set<ApiKeyScope> NEW_KEY_DEFAULT = Set.of(INFERENCE);

    private final String wireName;

    ApiKeyScope(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the API, the console and the database ({@code inference}, {@code billing:read}). */
    public String wireName() {
        return wireName;
    }

    /** The scope named {@code name} exactly (case-sensitive), if there is one. */
    public static Optional<ApiKeyScope> fromWireName(String name) {
        for (ApiKeyScope s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Every scope's wire name, comma-separated, in declaration order (for error messages). */
    public static String known() {
        return Arrays.stream(values()).map(ApiKeyScope::wireName).collect(Collectors.joining(", "));
    }

    /** The scopes named in a database array; names this version does not know are skipped (they grant nothing). */
    static Set<ApiKeyScope> fromWireNames(String[] names) {
        EnumSet<ApiKeyScope> out = EnumSet.noneOf(ApiKeyScope.class);
        if (names != null) {
            for (String n : names) {
                fromWireName(n).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The message of a refusal for lack of this scope. It names the scope and the endpoint and carries OpenAI's
     * wording ("Missing scopes: ...") that clients already recognise on restricted OpenAI keys.
     *
     * @param endpoint the path called, e.g. {@code /v1/usage}
     */
    public String missingFrom(String endpoint) {
        return "This API key lacks the scope " + wireName + " required by " + endpoint + ". Missing scopes: " + wireName
                + ". Use a key that has this scope (a tenant admin sets a key's scopes in the admin API or console).";
    }
}
