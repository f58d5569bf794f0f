package io.restartwatch.deployhook;

import static io.restartwatch.deployhook.TestPipelines.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.deployhook.TestPipelines.Credentials;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the scripts of {@code examples/pipelines} with bash, curl and openssl against this test's service: the
 * curl script itself, and the run step / job script extracted from the GitHub Actions and GitLab CI files, with
 * the values their CI would substitute.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class PipelineExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "pipelines");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TestHTTPResource("/")
    URL service;

    /** The examples call curl and openssl (the HMAC signature) from the PATH, as a CI runner would. */
    @BeforeAll
    static void installCurlAndOpenssl() {
        TestTools.ensure("curl", "openssl");
    }

    @Test
    void theCurlScriptReportsASignedDeploy() throws Exception {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        Map<String, String> env = environment(ci, app, "build-17");
        env.put("RESTARTWATCH_COMMIT", "9fceb02d0ae598e95dc970b74767f19372d61af8");
        env.put("RESTARTWATCH_DEPLOY_URL", "https://ci.example.com/builds/17");

        Run run = bash(Files.readString(EXAMPLES.resolve("curl-hmac.sh")), env);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"status\":\"completed\"").contains("\"eventId\"");
        assertThat(TestPipelines.awaitCompleted(app, "build-17")).singleElement().satisfies(e -> {
            assertThat(e.environment()).isEqualTo("production");
            assertThat(e.commit()).isEqualTo("9fceb02d0ae598e95dc970b74767f19372d61af8");
            assertThat(e.url()).isEqualTo("https://ci.example.com/builds/17");
        });
    }

    @Test
    void theCurlScriptFailsTheStepWhenRefused() throws Exception {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        Map<String, String> env = environment(ci, app, "build-18");
        env.put("RESTARTWATCH_SECRET", "rws_not-the-secret");

        Run run = bash(Files.readString(EXAMPLES.resolve("curl-hmac.sh")), env);

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("Bad signature");
    }

    @Test
    void theGitHubActionsStepIsTheCurlScriptAndReportsADeploy() throws Exception {
        JsonNode step = null;
        for (JsonNode candidate : yaml("github-actions.yml").path("jobs").path("deploy").path("steps")) {
            if ("Report the deploy to Restart Watch".equals(candidate.path("name").asText())) {
                step = candidate;
            }
        }
        assertThat(step).as("the report step").isNotNull();
        String script = step.path("run").asText();
        assertThat(Files.readString(EXAMPLES.resolve("curl-hmac.sh"))).endsWith(script);

        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        Map<String, String> env = environment(ci, app, "9876543210-1");
        // What GitHub would put in the step's other ${{ }} expressions.
        env.put("RESTARTWATCH_COMMIT", "8d1f3b0c5e2a4f6b9c7d0e1f2a3b4c5d6e7f8a9b");
        env.put("RESTARTWATCH_DEPLOY_URL", "https://github.com/octo-org/shop-web/actions/runs/9876543210");
        assertThat(step.path("env").path("RESTARTWATCH_ENVIRONMENT").asText()).isEqualTo("production");

        Run run = bash(script, env);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(TestPipelines.awaitCompleted(app, "9876543210-1")).singleElement()
                .satisfies(e -> assertThat(e.url()).isEqualTo("https://github.com/octo-org/shop-web/actions/runs/9876543210"));
    }

    @Test
    void theGitLabJobScriptIsTheCurlScriptAndReportsADeploy() throws Exception {
        JsonNode job = yaml("gitlab-ci.yml").path("report-deploy");
        String script = job.path("script").path(0).asText();
        assertThat(Files.readString(EXAMPLES.resolve("curl-hmac.sh"))).endsWith(script);

        String app = unique("checkout");
        Credentials ci = TestPipelines.create(app);
        // $CI_PIPELINE_ID-$CI_JOB_ID, $CI_COMMIT_SHA, $CI_PIPELINE_URL as GitLab would expand them.
        Map<String, String> env = environment(ci, app, "1187-99021");
        env.put("RESTARTWATCH_COMMIT", "3c9e1f27a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d");
        env.put("RESTARTWATCH_DEPLOY_URL", "https://gitlab.example.com/platform/checkout/-/pipelines/1187");
        assertThat(job.path("variables").path("RESTARTWATCH_DEPLOY_ID").asText()).isEqualTo("$CI_PIPELINE_ID-$CI_JOB_ID");

        Run run = bash(script, env);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(TestPipelines.awaitCompleted(app, "1187-99021")).singleElement()
                .satisfies(e -> assertThat(e.commit()).isEqualTo("3c9e1f27a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d"));
    }

    private Map<String, String> environment(Credentials ci, String app, String deployId) {
        Map<String, String> env = new HashMap<>();
        env.put("RESTARTWATCH_URL", service.toString());
        env.put("RESTARTWATCH_PIPELINE", ci.id());
        env.put("RESTARTWATCH_SECRET", ci.secret());
        env.put("RESTARTWATCH_APPLICATION", app);
        env.put("RESTARTWATCH_ENVIRONMENT", "production");
        env.put("RESTARTWATCH_DEPLOY_ID", deployId);
        return env;
    }

    private static JsonNode yaml(String file) throws IOException {
        return YAML.readTree(EXAMPLES.resolve(file).toFile());
    }

    /** Runs {@code script} with bash, with only {@code env} and PATH in its environment. */
    private static Run bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        String path = builder.environment().get("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(finished ? process.exitValue() : -1, output);
    }

    /** A finished script: exit code and everything it printed. */
    private record Run(int exitCode, String output) {
    }
}
