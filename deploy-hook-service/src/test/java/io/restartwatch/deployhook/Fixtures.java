package io.restartwatch.deployhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Webhook payloads shaped as GitHub and GitLab document them ({@code src/test/resources/fixtures}), with the
 * few fields a test varies set through {@link #with}.
 */
final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static ObjectNode load(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code path} ("deployment_status.state") to a string or number value. */
    static ObjectNode with(ObjectNode payload, String path, Object value) {
        String[] names = path.split("\\.");
        ObjectNode parent = payload;
        for (int i = 0; i < names.length - 1; i++) {
            parent = (ObjectNode) parent.get(names[i]);
        }
        String last = names[names.length - 1];
        if (value instanceof Number number) {
            parent.put(last, number.longValue());
        } else {
            parent.put(last, (String) value);
        }
        return payload;
    }

    static String json(ObjectNode payload) {
        try {
            return JSON.writeValueAsString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
