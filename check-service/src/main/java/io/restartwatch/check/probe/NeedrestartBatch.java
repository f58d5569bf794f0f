package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code needrestart -b} (batch mode, the apt-dater protocol; needrestart's README.batch.md):
 * {@code NEEDRESTART-VER: 3.6}, {@code NEEDRESTART-KCUR: <running>}, {@code NEEDRESTART-KEXP: <expected>},
 * {@code NEEDRESTART-KSTA: <0 unknown | 1 no pending upgrade | 2 ABI compatible upgrade pending | 3 version
 * upgrade pending>}, then {@code NEEDRESTART-SVC: <unit>} per service to restart (also {@code -UCSTA},
 * {@code -CONT}, {@code -SESS}, {@code -PID} lines, not used here). Other lines (perl warnings) are skipped.
 *
 * @param kernelStatus KSTA, 0 when absent
 */
public record NeedrestartBatch(String runningKernel, String expectedKernel, int kernelStatus, List<String> services) {

    public NeedrestartBatch {
        services = List.copyOf(services);
    }

    /** KSTA 2 or 3: the expected kernel is not the running one. */
    public boolean rebootNeeded() {
        return kernelStatus == 2 || kernelStatus == 3;
    }

    public static NeedrestartBatch parse(List<String> lines) {
        String current = null;
        String expected = null;
        int status = 0;
        List<String> services = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            if (!line.startsWith("NEEDRESTART-") || colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2).trim();
            switch (line.substring(0, colon)) {
                case "NEEDRESTART-KCUR" -> current = value;
                case "NEEDRESTART-KEXP" -> expected = value;
                case "NEEDRESTART-KSTA" -> status = value.matches("[0-3]") ? Integer.parseInt(value) : 0;
                case "NEEDRESTART-SVC" -> services.add(value);
                default -> { }
            }
        }
        return new NeedrestartBatch(current, expected, status, services);
    }
}
