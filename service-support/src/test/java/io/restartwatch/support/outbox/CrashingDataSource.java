package io.restartwatch.support.outbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;

import io.agroal.api.AgroalDataSource;

/**
 * The service's real data source, except that a relay using it dies at a chosen point of its pass: the
 * connection fails as a killed process's would (SQLState 08006) and its transaction never commits.
 */
final class CrashingDataSource {

    /** Where the pass dies. */
    enum At {
        /** when it prepares the matching statement: nothing of the pass happened */
        STATEMENT,
        /** at the commit that follows the matching statement: everything the pass did outside the database happened */
        COMMIT
    }

    private CrashingDataSource() {
    }

    static AgroalDataSource over(AgroalDataSource real, Predicate<String> statement, At at) {
        return (AgroalDataSource) Proxy.newProxyInstance(CrashingDataSource.class.getClassLoader(),
                new Class<?>[] {AgroalDataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && (args == null || args.length == 0)) {
                        return crashing(real.getConnection(), statement, at);
                    }
                    return invoke(method, real, args);
                });
    }

    private static Connection crashing(Connection real, Predicate<String> statement, At at) {
        boolean[] armed = {false};
        return (Connection) Proxy.newProxyInstance(CrashingDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && statement.test((String) args[0])) {
                        if (at == At.STATEMENT) {
                            throw new SQLException("simulated crash before " + args[0], "08006");
                        }
                        armed[0] = true;
                    }
                    if (method.getName().equals("commit") && armed[0]) {
                        throw new SQLException("simulated crash before the commit", "08006");
                    }
                    return invoke(method, real, args);
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
