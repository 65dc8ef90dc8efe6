package org.orgnet.neo4jserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j Community server for orgnet's tests: an embedded DBMS with only the Bolt
 * connector open, on 127.0.0.1, with authentication on.
 *
 * <pre>
 * java [JVM flags] -cp 'orgnet-neo4j-server.jar:lib/*' org.orgnet.neo4jserver.Main \
 *      [--home DIR] [--port P] [--host 127.0.0.1] [--pagecache 512m]
 * </pre>
 *
 * The password of user {@code neo4j} is {@code $ORGNET_NEO4J_PASSWORD}, or
 * {@value #DEFAULT_PASSWORD} when that is unset or empty. It is (re)applied on every start,
 * so it holds on a fresh home directory and on an existing one alike. It is never printed.
 *
 * Prints {@value #READY_MARKER} followed by the Bolt URI once the password is in place and
 * Bolt accepts connections. Shuts the DBMS down cleanly on SIGTERM/SIGINT.
 */
public final class Main {
    static final String DEFAULT_PASSWORD = "orgnet-test-password";
    static final String READY_MARKER = "ORGNET-NEO4J READY ";
    static final String SCHEMA_FILE = "orgnet-schema.cypher";
    private static final String PREFIX = "orgnet-neo4j-server: ";

    private Main() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(envOr("ORGNET_NEO4J_HOME", System.getProperty("user.home") + "/.cache/orgnet/neo4j"));
        int port = Integer.parseInt(envOr("ORGNET_NEO4J_PORT", "7687"));
        String host = "127.0.0.1";
        String pagecache = envOr("ORGNET_NEO4J_PAGECACHE", "512m");

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--home": home = Path.of(need(args, ++i, a)); break;
                case "--port": port = Integer.parseInt(need(args, ++i, a)); break;
                case "--host": host = need(args, ++i, a); break;
                case "--pagecache": pagecache = need(args, ++i, a); break;
                case "-h":
                case "--help":
                    System.out.println("usage: Main [--home DIR] [--port P] [--host ADDR] [--pagecache SIZE]");
                    return;
                default:
                    System.err.println(PREFIX + "unknown argument: " + a);
                    System.exit(2);
            }
        }
        String password = envOr("ORGNET_NEO4J_PASSWORD", DEFAULT_PASSWORD);

        home = home.toAbsolutePath().normalize();
        Files.createDirectories(home);
        log("starting Neo4j (home " + home + ", bolt " + host + ":" + port + ", pagecache " + pagecache + ")");

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Local test server: accept whatever non-empty password the caller chose.
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                // No anonymous usage reports: nothing here talks to the network.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                // Test server: don't pre-allocate 256 MiB transaction log files.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Netty waits a 5 s quiet period on shutdown by default; a test server need not.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down");
            try {
                dbms.shutdown();
                log("stopped");
            } catch (Throwable t) {
                System.err.println(PREFIX + "error during shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        }, "orgnet-neo4j-shutdown"));

        try {
            setPassword(dbms, password);
        } catch (RuntimeException e) {
            System.err.println(PREFIX + "could not set the password of user neo4j: " + e.getMessage());
            System.exit(1); // runs the shutdown hook
        }

        try {
            runSchemaFile(dbms, home);
        } catch (Exception e) {
            System.err.println(PREFIX + "could not create orgnet's schema from " + SCHEMA_FILE + ": " + e.getMessage());
            System.exit(1); // runs the shutdown hook
        }

        long ms = (System.nanoTime() - t0) / 1_000_000;
        log("ready in " + ms + " ms, Neo4j " + neo4jVersion());
        System.out.println(READY_MARKER + "bolt://" + host + ":" + port);
        System.out.flush();

        stopped.await();
    }

    /**
     * Runs {@value #SCHEMA_FILE} in the home directory once, if present: orgnet's bulk import leaves
     * its constraint and index statements there (the Community importer cannot create them). Waits
     * for the indexes to come online, then renames the file to {@code .done}.
     */
    private static void runSchemaFile(DatabaseManagementService dbms, Path home) throws java.io.IOException {
        Path file = home.resolve(SCHEMA_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        long t0 = System.nanoTime();
        int n = 0;
        for (String statement : Files.readString(file).split(";")) {
            String s = statement.strip();
            if (!s.isEmpty()) {
                db.executeTransactionally(s);
                n++;
            }
        }
        db.executeTransactionally("CALL db.awaitIndexes(3600)");
        Files.move(file, home.resolve(SCHEMA_FILE + ".done"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log("created orgnet's schema (" + n + " statements) in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Sets neo4j's password (no change required); a no-op when it already is that password. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            log("password of user neo4j set");
        } catch (RuntimeException e) {
            if (String.valueOf(deepMessage(e)).contains("Old password and new password cannot be the same")) {
                log("password of user neo4j already set");
            } else {
                throw e;
            }
        }
    }

    private static String deepMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "(version unknown)" : v;
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static String need(String[] args, int i, String flag) {
        if (i >= args.length) {
            System.err.println(PREFIX + flag + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static void log(String msg) {
        System.out.println(PREFIX + msg);
        System.out.flush();
    }
}
