/**
 * Shared servers for the gateway's tests: one real PostgreSQL and one real Keycloak per test JVM.
 *
 * <h2>What you get in every {@code @QuarkusTest} of this module</h2>
 *
 * <ul>
 *   <li>{@link io.ascendant.gateway.testsupport.PostgresTestResource}: the datasource points at a database created
 *       empty for this run on a real PostgreSQL 17 (zonky embedded binaries); Flyway migrates it at start. Inject
 *       {@code AgroalDataSource} for SQL assertions. Plain JUnit tests that need their own empty database call
 *       {@code SharedPostgres.get().createDatabase("my_prefix")}.
 *   <li>{@link io.ascendant.gateway.testsupport.KeycloakTestResource}: OIDC for {@code /admin/*} points at a real
 *       Keycloak 26 with realm {@code ascendant} (roles {@code platform-admin}, {@code tenant-admin}, {@code
 *       billing-viewer}, organizations enabled). The {@code quarkus.keycloak.admin-client.*} settings of the
 *       platform client (service account: manage users, realm and organizations) are set too.
 * </ul>
 *
 * Both are global ({@code @WithTestResource(scope = GLOBAL)}): do not annotate your test class, and do not start
 * your own PostgreSQL or Keycloak. They start once per JVM (PostgreSQL 2-10 s, Keycloak 20-60 s, in parallel) and
 * stop when the JVM exits, also after {@code kill -9} (a watchdog takes them down).
 *
 * <h2>Real tokens</h2>
 *
 * <pre>{@code
 * @QuarkusTest
 * class TenantCreateTest {
 *     @InjectKeycloak
 *     KeycloakTokens keycloak;
 *
 *     @Test
 *     void platformAdminCreatesTenant() {
 *         given().auth().oauth2(keycloak.accessToken(keycloak.platformAdmin()))
 *                 .contentType("application/json").body(...)
 *                 .when().post("/admin/api/v1/tenants")
 *                 .then().statusCode(201);
 *     }
 *
 *     @Test
 *     void tenantAdminSeesOnlyOwnTenant() {
 *         TestUser admin = keycloak.createUser("acme-admin", Set.of("tenant-admin"), "acme");
 *         // its tokens carry "organization": ["acme"]
 *     }
 * }
 * }</pre>
 *
 * Predefined users: {@code platformAdmin()}, {@code tenantAdmin()} and {@code billingViewer()} (members of
 * organization {@value io.ascendant.gateway.testsupport.KeycloakTokens#TEST_ORGANIZATION}), {@code noRoles()}.
 * {@code createUser} gives unique users; {@code ensureOrganization} creates an organization; {@code
 * adminAccessToken()} lets a test call Keycloak's admin REST API to verify what the platform did there. {@code
 * accessToken(user)} asks Keycloak for a new token (it lives 5 minutes); a test that acts as one user for longer, or
 * in many calls, asks {@code token(user)} before each call instead, which hands out the same token while it has a
 * minute left. The realm is imported without Keycloak's brute-force lockout (the shared users log in thousands of
 * times; see {@code KeycloakTokens.provisionRealm}); the product's realm file keeps it. {@code @TestSecurity} still
 * works for tests that only need a role, not a real token.
 *
 * <h2>Hosts that never answer</h2>
 *
 * {@link io.ascendant.gateway.testsupport.SilentServer} is a loopback port that accepts connections and never
 * answers. For a Keycloak that does not answer, point {@code tenancy.keycloak.server-url} at {@code
 * SilentServer.url()} (the JVM's shared one) in a test profile (the shared server stays up for tokens); for a port
 * that must be in use while a test runs (the launcher and the embedded PostgreSQL refuse it), {@code try
 * (SilentServer taken = SilentServer.open())}. A model host that takes a request and never answers is a fake host's
 * {@code Behaviour.HANG}.
 *
 * <h2>Tenants, keys and budgets</h2>
 *
 * {@link io.ascendant.gateway.testsupport.AdminFixtures} makes them through the admin API with a real token ({@code
 * newTenant}, {@code newProject}, {@code newKey}, {@code putMonthlyBudget}, or {@code newCaller} for a tenant, project
 * and key at once); {@link io.ascendant.gateway.testsupport.KeyLedgerTotals} sums a key's usage-ledger rows once the
 * data path has recorded them. Straight to the database, without the admin API: {@link
 * io.ascendant.gateway.testsupport.TenantLimitRows} (a tenant's limits, or a {@code limit_set} row of any scope).
 * {@link io.ascendant.gateway.testsupport.TenantChats} sends the smallest chat ("Say hello") as a key, for tests about
 * what happens to a request rather than its prompt.
 *
 * <h2>Fast local iteration</h2>
 *
 * Reuse already running servers instead of starting new ones (a fresh database is still created per run):
 *
 * <pre>
 * ASCENDANT_TEST_JDBC_URL=jdbc:postgresql://127.0.0.1:15432/postgres   (ASCENDANT_TEST_JDBC_USER/_PASSWORD, default postgres)
 * ASCENDANT_TEST_KEYCLOAK_URL=http://127.0.0.1:8180                     (ASCENDANT_TEST_KEYCLOAK_ADMIN/_PASSWORD, default admin/admin)
 * </pre>
 *
 * CI never sets these. The Keycloak distribution is unpacked by the gateway build into {@code
 * ~/.ascendant/cache/keycloak-26.7.3} (once per machine).
 */
package io.ascendant.gateway.testsupport;
