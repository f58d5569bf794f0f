package io.restartwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used so far, per component of the running stack, from /proc (proc(5)): each service process, the launcher
 * (the Kafka broker runs in it), PostgreSQL (the postmaster, its live backends, and its exited children through the
 * postmaster's cutime/cstime), this benchmark's own JVM (the load generator), and the whole machine's busy time
 * ({@code /proc/stat}: everything but idle and iowait). The difference of two samples says where the CPU of a
 * phase went; "other" is what no listed process accounts for (the kernel's own threads, other programs).
 */
record CpuTime(Map<String, Long> ticks, long machineTicks) {

    /** Linux's USER_HZ: /proc counts CPU time in 1/100 s. */
    static final double TICKS_PER_SECOND = 100.0;

    static CpuTime sample(BenchStack stack) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            ticks.put(service, processTicks(stack.processes.get(service).pid(), false));
        }
        ticks.put("kafka (launcher)", processTicks(stack.system.launcherPid(), false));
        long postmaster = stack.system.postgresPid();
        long postgres = processTicks(postmaster, true);
        postgres += ProcessHandle.of(postmaster)
                .map(handle -> handle.children().mapToLong(child -> processTicksOrZero(child.pid())).sum())
                .orElse(0L);
        ticks.put("postgresql", postgres);
        ticks.put("benchmark (load generator)", processTicks(ProcessHandle.current().pid(), false));
        return new CpuTime(ticks, machineBusyTicks());
    }

    /**
     * CPU milliseconds per unit of work between {@code before} and this sample, per component, with "other" and
     * "machine" (all busy time).
     */
    Map<String, Double> millisPerUnitSince(CpuTime before, long units) {
        Map<String, Double> perUnit = new LinkedHashMap<>();
        long listed = 0;
        for (var entry : ticks.entrySet()) {
            long used = entry.getValue() - before.ticks().getOrDefault(entry.getKey(), 0L);
            listed += used;
            perUnit.put(entry.getKey(), millis(used, units));
        }
        long machine = machineTicks - before.machineTicks();
        perUnit.put("other", millis(Math.max(0, machine - listed), units));
        perUnit.put("machine", millis(machine, units));
        return perUnit;
    }

    /** The stack's own CPU per unit: the services, Kafka and PostgreSQL, without the load generator and "other". */
    double stackMillisPerUnitSince(CpuTime before, long units) {
        long used = 0;
        for (var entry : ticks.entrySet()) {
            if (!entry.getKey().startsWith("benchmark")) {
                used += entry.getValue() - before.ticks().getOrDefault(entry.getKey(), 0L);
            }
        }
        return millis(used, units);
    }

    private static double millis(long ticks, long units) {
        return Math.round(ticks * 1000.0 / TICKS_PER_SECOND / units * 1000.0) / 1000.0;
    }

    private static long processTicksOrZero(long pid) {
        try {
            return processTicks(pid, false);
        } catch (IOException | RuntimeException gone) {
            return 0; // exited between the listing and the read: its time is in the postmaster's cutime now
        }
    }

    /** utime + stime (fields 14 and 15), and with {@code children} cutime + cstime (16 and 17) of waited-for children. */
    static long processTicks(long pid, boolean children) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // After "(comm) " the state is field 3: split from there (a comm may contain spaces).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return children ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
    }

    /** The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ...; busy = all but idle and iowait. */
    private static long machineBusyTicks() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu ")) {
                String[] fields = line.trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i <= 8 && i < fields.length; i++) {
                    if (i != 4 && i != 5) {
                        busy += Long.parseLong(fields[i]);
                    }
                }
                return busy;
            }
        }
        throw new IOException("/proc/stat has no cpu line");
    }
}
