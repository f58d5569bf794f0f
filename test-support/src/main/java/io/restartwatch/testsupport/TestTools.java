package io.restartwatch.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The system tools a test runs (Chromium, shellcheck, curl, openssl, docker-compose, Alertmanager, promtool, Redocly
 * CLI, kubectl), installed when missing by the project's own {@code tools/ensure-tools.sh} and found where it says.
 * A failed install fails the test with the installer's output: a test skipped for want of a tool proves nothing.
 * Each tool is ensured once per JVM; the script is fast (no network) when the tool is already there.
 */
public final class TestTools {

    private static final String SCRIPT = "tools/ensure-tools.sh";
    private static final Map<String, Path> ENSURED = new ConcurrentHashMap<>();

    private TestTools() {
    }

    /** The absolute path of {@code tool} (a name {@code tools/ensure-tools.sh} knows), installing it first if needed. */
    public static Path ensure(String tool) {
        return ENSURED.computeIfAbsent(tool, TestTools::install);
    }

    /** Ensures every tool, e.g. the ones a script under test calls through the PATH. */
    public static void ensure(String... tools) {
        for (String tool : tools) {
            ensure(tool);
        }
    }

    /** The repository's root: the nearest folder above the working directory that holds the script. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve(SCRIPT))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + SCRIPT + " in " + dir + " or above it");
    }

    private static synchronized Path install(String tool) {
        Path root = repositoryRoot();
        try {
            Path output = Files.createTempFile("ensure-tools-", ".log");
            try {
                Process process = new ProcessBuilder("bash", root.resolve(SCRIPT).toString(), tool)
                        .redirectErrorStream(false)
                        .redirectOutput(output.toFile())
                        .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()))
                        .start();
                process.getOutputStream().close();
                // A first install downloads packages (Chromium, the npm tools): minutes on a slow mirror.
                if (!process.waitFor(20, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(SCRIPT + " " + tool + " did not finish within 20 minutes");
                }
                String printed = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(SCRIPT + " " + tool + " failed (exit " + process.exitValue() + "):\n" + printed);
                }
                for (String line : printed.split("\n")) {
                    String[] fields = line.split("\t", 2);
                    if (fields.length == 2 && fields[0].equals(tool)) {
                        Path path = Path.of(fields[1].strip());
                        if (!Files.isExecutable(path)) {
                            throw new AssertionError(SCRIPT + " named " + path + " for " + tool + ", which is not executable");
                        }
                        return path;
                    }
                }
                throw new AssertionError(SCRIPT + " " + tool + " printed no path for it:\n" + printed);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("Could not run " + SCRIPT + " " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running " + SCRIPT + " " + tool, e);
        }
    }
}
