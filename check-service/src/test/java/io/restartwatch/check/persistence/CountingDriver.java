package io.restartwatch.check.persistence;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * PostgreSQL's driver with every statement execution counted, per thread: what a piece of code costs in database
 * round trips, measured at the JDBC boundary whoever issues the statement (Hibernate, Panache, plain JDBC). A batch
 * ({@code executeBatch}) counts once: one round trip (pgjdbc's reWriteBatchedInserts makes it a multi-row insert).
 */
public class CountingDriver implements Driver {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");
    private static final Map<Thread, AtomicLong> STATEMENTS = new ConcurrentHashMap<>();

    private final Driver postgres = new org.postgresql.Driver();

    /** Statements executed so far on {@code thread}'s connections. */
    public static long statements(Thread thread) {
        AtomicLong count = STATEMENTS.get(thread);
        return count == null ? 0 : count.get();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection connection = postgres.connect(url, info);
        return connection == null ? null : proxy(Connection.class, connection, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof CallableStatement callable) {
                return proxy(CallableStatement.class, callable, CountingDriver::counted);
            }
            if (result instanceof PreparedStatement prepared) {
                return proxy(PreparedStatement.class, prepared, CountingDriver::counted);
            }
            if (result instanceof Statement statement) {
                return proxy(Statement.class, statement, CountingDriver::counted);
            }
            return result;
        });
    }

    private static Object counted(Object target, Method method, Object[] args) throws Throwable {
        if (EXECUTIONS.contains(method.getName())) {
            STATEMENTS.computeIfAbsent(Thread.currentThread(), thread -> new AtomicLong()).incrementAndGet();
        }
        return invoke(target, method, args);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        InvocationHandler invocation = (proxy, method, args) -> {
            if (method.getName().equals("unwrap") && args != null && args[0] == type) {
                return proxy;
            }
            return handler.handle(target, method, args);
        };
        return type.cast(Proxy.newProxyInstance(CountingDriver.class.getClassLoader(), new Class<?>[] {type}, invocation));
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return postgres.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return postgres.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return postgres.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return postgres.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return postgres.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return postgres.getParentLogger();
    }
}
