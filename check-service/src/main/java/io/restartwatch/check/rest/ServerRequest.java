package io.restartwatch.check.rest;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.domain.ServerDefinition;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.support.rest.Ids;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/servers} and {@code PUT /api/servers/{id}}. Unknown fields are rejected. */
@Schema(description = "A server to watch")
public record ServerRequest(
        @Pattern(regexp = ID_PATTERN, message = "must match " + ID_PATTERN) String id,
        @NotBlank @Size(max = 253) @Pattern(regexp = HOST_PATTERN, message = "must be a host name or address") String hostname,
        @Valid Address address,
        @NotBlank @Pattern(regexp = ID_PATTERN, message = "must match " + ID_PATTERN) String applicationId,
        @NotBlank @Pattern(regexp = ID_PATTERN, message = "must match " + ID_PATTERN) String environment,
        @Size(max = 50) Map<@Size(min = 1, max = 63) String, @Size(max = 255) String> labels,
        @Size(max = 200) List<@NotNull @Valid Port> openPorts,
        @NotNull ProbeKind probeKind,
        @Size(max = 32) @Pattern(regexp = "[a-z_][a-z0-9_-]*", message = "must be a Unix user name") String sshUser) {

    public static final String ID_PATTERN = Ids.ID_PATTERN;
    static final String HOST_PATTERN = "[A-Za-z0-9.:_-]+";

    /** How to reach the server over SSH; defaults to the hostname and port 22. */
    public record Address(
            @Size(max = 253) @Pattern(regexp = HOST_PATTERN, message = "must be a host name or address") String host,
            @Min(1) @Max(65535) Integer sshPort) {
    }

    /** A listening port and the source ranges allowed to reach it. */
    public record Port(
            @Min(1) @Max(65535) int port,
            @Pattern(regexp = "tcp|udp", message = "must be tcp or udp") String protocol,
            @NotNull @Size(min = 1, max = 100) List<@NotNull @Cidr String> sources) {
    }

    public ServerDefinition toDefinition() {
        return new ServerDefinition(hostname, address == null ? null : address.host(),
                address == null ? null : address.sshPort(), applicationId, environment, labels,
                openPorts == null ? List.of() : openPorts.stream()
                        .map(p -> new OpenPort(p.port(), p.protocol() == null ? "tcp" : p.protocol(), p.sources()))
                        .toList(),
                probeKind, sshUser);
    }
}
