package io.restartwatch.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.restartwatch.testsupport.TestTools;

/** Runs a renderer (docker-compose, kubectl) in the repository root and parses its YAML output. */
final class Rendered {

    static final Path ROOT = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new YAMLMapper();

    private Rendered() {
    }

    /**
     * The output of {@code tool} (a name {@link TestTools} knows: docker-compose, kubectl) run with {@code arguments}
     * in the repository root; the tool is installed first when missing.
     */
    static String run(Map<String, String> env, String tool, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(TestTools.ensure(tool).toString());
        command.addAll(List.of(arguments));
        try {
            Path out = Files.createTempFile("rendered-", ".yaml");
            Path err = Files.createTempFile("rendered-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
                }
                String stderr = Files.readString(err, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n" + stderr);
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a multi-document YAML stream, e.g. kubectl kustomize's output. */
    static List<JsonNode> documents(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(text)) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isMissingNode() && !document.isNull()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** The node at a dotted path (keys only), or a missing node. */
    static JsonNode at(JsonNode node, String dottedPath) {
        JsonNode current = node;
        for (String key : dottedPath.split("\\.")) {
            current = current == null ? MissingNode.getInstance() : current.path(key);
        }
        return current;
    }
}
