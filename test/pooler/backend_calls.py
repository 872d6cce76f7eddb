"""What the hotel agent's backend does, through a transaction-mode pooler.

Run by test/t/020_pooler.pl against PgBouncer in pool_mode=transaction, the
way the FastAPI backend reaches the database (port 6543, asyncpg with
statement_cache_size=0). Several clients share fewer server connections, so
any dependence on session state (a plain SET, a temporary table, a prepared
statement outliving its transaction) would show up as a wrong answer or an
error here.

It connects as the backend's role (POOLER_ROLE), set up with
hotel_agent.grant_backend_access(): no superuser, so a call that needs more
than that function grants fails here.

Prints TAP lines; exits non-zero if any check failed.
"""
import asyncio
import os
import sys

import asyncpg

DSN = os.environ["POOLER_DSN"]
CLIENTS = 8
ROUNDS = 40

results = []


def check(ok, name):
    results.append((bool(ok), name))


async def connect():
    # The backend's settings: no statement cache behind a transaction pooler.
    return await asyncpg.connect(DSN, statement_cache_size=0)


async def setup():
    conn = await connect()
    async with conn.transaction():
        await conn.execute("""
            INSERT INTO public.tenants (tenant_id, name, status) VALUES
              ('hotel-pool-a', 'Pool A', 'active'),
              ('hotel-pool-b', 'Pool B', 'active'),
              ('hotel-pool-off', 'Pool Off', 'suspended')""")
        for slug, ident in [("hotel-pool-a", "+5491112345678"),
                            ("hotel-pool-b", "reservas@pool-b.example"),
                            ("hotel-pool-off", "+5491187654321")]:
            await conn.fetchval(
                "SELECT hotel_agent.add_tenant_identifier($1, $2)", slug, ident)
        await conn.execute("""
            INSERT INTO public.users (id, username, email, hashed_password)
            SELECT 'pool_u' || g, 'pool_user' || g, 'pool' || g || '@example.com', 'x'
            FROM generate_series(0, $1::int - 1) g""", CLIENTS)
        await conn.execute("""
            INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
            SELECT 'pool_s' || g, 'pool_u' || g, 'pool-jti-' || g,
                   (now() AT TIME ZONE 'UTC') + interval '1 hour'
            FROM generate_series(0, $1::int - 1) g""", CLIENTS)
    await conn.close()


async def client(n):
    conn = await connect()
    errors = 0
    wrong = 0
    for r in range(ROUNDS):
        try:
            # Tenant resolution from raw WhatsApp sender IDs.
            a = await conn.fetchval("SELECT hotel_agent.resolve_tenant($1)",
                                    "5491112345678@s.whatsapp.net")
            b = await conn.fetchval("SELECT hotel_agent.resolve_tenant($1)",
                                    "  Reservas@Pool-B.example ")
            off = await conn.fetchval("SELECT hotel_agent.resolve_tenant($1, $2)",
                                      "011 15-8765-4321", "AR")
            junk = await conn.fetchval("SELECT hotel_agent.resolve_tenant($1)",
                                       "not a number %d" % r)
            wrong += (a != "hotel-pool-a") + (b != "hotel-pool-b") + (off is not None) + (junk is not None)

            # Session validity on every request.
            active = await conn.fetchval("SELECT hotel_agent.session_is_active($1)",
                                         "pool-jti-%d" % n)
            wrong += active is not True

            # A setting changed for one transaction only (SET LOCAL through
            # set_config(..., true)) must not leak to the next client.
            async with conn.transaction():
                await conn.execute(
                    "SELECT set_config('hotel_agent.password_history_keep', '3', true)")
                for i in range(5):
                    await conn.execute(
                        "INSERT INTO public.password_history (user_id, password_hash) VALUES ($1, $2)",
                        "pool_u%d" % n, "h%d-%d" % (r, i))
                kept = await conn.fetchval(
                    "SELECT count(*) FROM public.password_history WHERE user_id = $1",
                    "pool_u%d" % n)
                wrong += kept != 3
            # Through the function, not current_setting(): the next
            # transaction may run on a server connection that has not loaded
            # the library yet, where the setting does not exist (42704).
            default_keep = await conn.fetchval(
                "SELECT hotel_agent.password_history_keep()::text")
            wrong += default_keep != "10"

            # Lock audit events.
            event_id = await conn.fetchval(
                "SELECT hotel_agent.record_lock_event($1, $2, $3::jsonb)",
                "reservation:pool%d" % n, "acquired", '{"holder_id": "worker-%d"}' % n)
            wrong += not isinstance(event_id, int)
        except Exception as e:  # any error is a failure of the pooled path
            errors += 1
            print("# client %d round %d: %r" % (n, r, e))
    # Finally revoke this client's session: it is no longer active.
    revoked = await conn.fetchval("SELECT hotel_agent.revoke_session($1)", "pool-jti-%d" % n)
    still = await conn.fetchval("SELECT hotel_agent.session_is_active($1)", "pool-jti-%d" % n)
    await conn.close()
    return errors, wrong, revoked is True and still is False


async def main():
    await setup()
    outcomes = await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    check(sum(o[0] for o in outcomes) == 0, "no errors through the transaction pooler")
    check(sum(o[1] for o in outcomes) == 0, "every answer right through the transaction pooler")
    check(all(o[2] for o in outcomes), "revoke_session takes effect for every client")

    conn = await connect()
    who = await conn.fetchrow(
        "SELECT current_user AS name, rolsuper FROM pg_roles WHERE rolname = current_user")
    check(who["name"] == os.environ.get("POOLER_ROLE", who["name"]) and not who["rolsuper"],
          "the calls ran as the backend's role %s, not a superuser" % who["name"])
    events = await conn.fetchval(
        "SELECT count(*) FROM public.lock_audit WHERE lock_key LIKE 'reservation:pool%'")
    check(events == CLIENTS * ROUNDS, "every lock event recorded (%d)" % events)
    backends = await conn.fetchval(
        "SELECT count(DISTINCT pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND usename = current_user")
    check(backends <= 2, "clients shared at most 2 server connections (%d)" % backends)
    # Lock events are purged by the maintenance, not the backend (no DELETE
    # on lock_audit); the test's database is dropped afterwards.
    await conn.execute("DELETE FROM public.users WHERE id LIKE 'pool_u%'")
    await conn.execute("DELETE FROM public.tenants WHERE tenant_id LIKE 'hotel-pool-%'")
    await conn.close()

    for i, (ok, name) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    print("1..%d" % len(results))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
