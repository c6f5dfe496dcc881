package io.ascendant.tenancy.apikey;

/** Stored status of a key. Expiry is separate ({@code expires_at}): an ACTIVE key past it is refused. */
public enum ApiKeyStatus {
    ACTIVE,
    REVOKED
}
