package io.restartwatch.notification;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restartwatch.testsupport.TestOidcProvider;

/**
 * Starts a {@link TestOidcProvider} and points both OIDC tenants of the service at it: the default (bearer) tenant
 * and the {@code web} tenant of the dashboard's sign-in. The provider is named {@code localhost} while the
 * service is reached at 127.0.0.1, so the browser treats it as another site, as a real provider is.
 * Tests get the provider in a field annotated {@link InjectOidcProvider}.
 */
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    static final String AUDIENCE = "restartwatch";
    static final String CLIENT_ID = "restartwatch-dashboard";
    /** Also what Quarkus derives its cookie encryption keys from, so 32 characters or more. */
    static final String CLIENT_SECRET = "dashboard-client-secret-0123456789abcdef";

    /** Marks the test field that receives the running provider. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectOidcProvider {
    }

    private TestOidcProvider provider;

    @Override
    public Map<String, String> start() {
        try {
            provider = new TestOidcProvider("localhost").client(CLIENT_ID, CLIENT_SECRET);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", provider.issuer(),
                "quarkus.oidc.token.audience", AUDIENCE,
                "quarkus.oidc.web.tenant-enabled", "true",
                "quarkus.oidc.web.auth-server-url", provider.issuer(),
                "quarkus.oidc.web.client-id", CLIENT_ID,
                "quarkus.oidc.web.credentials.secret", CLIENT_SECRET);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(provider, new TestInjector.AnnotatedAndMatchesType(InjectOidcProvider.class, TestOidcProvider.class));
    }

    @Override
    public void stop() {
        if (provider != null) {
            provider.close();
        }
    }
}
