package io.restartwatch.support.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A request that presents one of our API keys, from the Authorization header or the dashboard's session cookie. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
