-- The canonical schema of the hotel agent (test/data/schema.sql), object for
-- object: the backend's ORM depends on every name, type, default, index and
-- comment below. Differences from the canonical DDL, all required by
-- extension scripts and none visible in the catalog:
--   * no IF NOT EXISTS (an extension script must not adopt foreign objects);
--   * every object is qualified with @extschema@ (the schema given to
--     CREATE EXTENSION, by default public);
--   * the validation queries, sample data and role creation are left out.
-- The five indexes that duplicate UNIQUE constraints are kept on purpose:
-- version 1.0.0 is the canonical DDL exactly (see README, "Divergences").

-- @once
-- Functions of the extension live in their own schema.
CREATE SCHEMA hotel_agent;
COMMENT ON SCHEMA hotel_agent IS 'Functions of the hotel_agent extension';
GRANT USAGE ON SCHEMA hotel_agent TO PUBLIC;

-- 1. users
CREATE TABLE @extschema@.users (
    id VARCHAR(255) PRIMARY KEY,
    username VARCHAR(255) UNIQUE NOT NULL,
    email VARCHAR(255) UNIQUE NOT NULL,
    hashed_password VARCHAR(255) NOT NULL,
    full_name VARCHAR(255),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    tenant_id VARCHAR(255),
    password_last_changed TIMESTAMP NOT NULL DEFAULT NOW(),
    password_must_change BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_users_username ON @extschema@.users(username);
CREATE INDEX idx_users_email ON @extschema@.users(email);
CREATE INDEX idx_users_tenant_id ON @extschema@.users(tenant_id);

COMMENT ON TABLE @extschema@.users IS 'Usuarios del sistema con autenticación JWT custom';
COMMENT ON COLUMN @extschema@.users.tenant_id IS 'Referencia lógica a tenants.tenant_id (slug)';
COMMENT ON COLUMN @extschema@.users.password_must_change IS 'Forzar cambio de password en próximo login';

-- 2. user_sessions
CREATE TABLE @extschema@.user_sessions (
    id VARCHAR(255) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    token_jti VARCHAR(255) UNIQUE NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    is_revoked BOOLEAN NOT NULL DEFAULT FALSE,
    user_agent TEXT,
    ip_address VARCHAR(45),
    FOREIGN KEY (user_id) REFERENCES @extschema@.users(id) ON DELETE CASCADE
);

CREATE INDEX idx_user_sessions_user_id ON @extschema@.user_sessions(user_id);
CREATE INDEX idx_user_sessions_token_jti ON @extschema@.user_sessions(token_jti);
CREATE INDEX idx_user_sessions_expires_at ON @extschema@.user_sessions(expires_at);

COMMENT ON TABLE @extschema@.user_sessions IS 'Sesiones JWT activas para soporte de revocación';
COMMENT ON COLUMN @extschema@.user_sessions.token_jti IS 'JWT ID (jti claim) para identificación única';
COMMENT ON COLUMN @extschema@.user_sessions.is_revoked IS 'Marcado true en logout manual o por admin';

-- 3. password_history
CREATE TABLE @extschema@.password_history (
    id SERIAL PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    FOREIGN KEY (user_id) REFERENCES @extschema@.users(id) ON DELETE CASCADE
);

CREATE INDEX idx_password_history_user_id ON @extschema@.password_history(user_id);
CREATE INDEX idx_password_history_created_at ON @extschema@.password_history(created_at);

COMMENT ON TABLE @extschema@.password_history IS 'Historial de contraseñas para prevenir reutilización';
COMMENT ON COLUMN @extschema@.password_history.password_hash IS 'Hash bcrypt del password anterior';

-- 4. tenants
CREATE TABLE @extschema@.tenants (
    id SERIAL PRIMARY KEY,
    tenant_id VARCHAR(255) UNIQUE NOT NULL,
    name VARCHAR(255) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    business_hours_start INTEGER,
    business_hours_end INTEGER,
    business_hours_timezone VARCHAR(50),
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_tenants_tenant_id ON @extschema@.tenants(tenant_id);
CREATE INDEX idx_tenants_status ON @extschema@.tenants(status);

COMMENT ON TABLE @extschema@.tenants IS 'Configuración multi-tenant (por hotel/cliente)';
COMMENT ON COLUMN @extschema@.tenants.tenant_id IS 'Slug legible usado en código como clave lógica principal (ej: "hotel-abc")';
COMMENT ON COLUMN @extschema@.tenants.id IS 'PK numérica autoincrementada (usada en FKs de tenant_user_identifiers)';
COMMENT ON COLUMN @extschema@.tenants.business_hours_start IS 'Hora de inicio (0-23), NULL = 24/7';

-- 5. tenant_user_identifiers
CREATE TABLE @extschema@.tenant_user_identifiers (
    id SERIAL PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    identifier VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    FOREIGN KEY (tenant_id) REFERENCES @extschema@.tenants(id) ON DELETE CASCADE,
    CONSTRAINT uq_identifier UNIQUE (identifier)
);

CREATE INDEX idx_tenant_identifiers_tenant_id ON @extschema@.tenant_user_identifiers(tenant_id);
CREATE INDEX idx_tenant_identifiers_identifier ON @extschema@.tenant_user_identifiers(identifier);

COMMENT ON TABLE @extschema@.tenant_user_identifiers IS 'Mapeo phone/email → tenant para resolución dinámica';
COMMENT ON COLUMN @extschema@.tenant_user_identifiers.identifier IS 'Formato normalizado: E.164 para phones';
COMMENT ON CONSTRAINT uq_identifier ON @extschema@.tenant_user_identifiers IS 'Un identifier solo puede pertenecer a un tenant';

-- 6. lock_audit
CREATE TABLE @extschema@.lock_audit (
    id SERIAL PRIMARY KEY,
    lock_key VARCHAR(255) NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    timestamp TIMESTAMP NOT NULL DEFAULT NOW(),
    details JSONB
);

CREATE INDEX idx_lock_audit_lock_key ON @extschema@.lock_audit(lock_key);
CREATE INDEX idx_lock_audit_timestamp ON @extschema@.lock_audit(timestamp);
CREATE INDEX idx_lock_audit_event_type ON @extschema@.lock_audit(event_type);

COMMENT ON TABLE @extschema@.lock_audit IS 'Auditoría de locks distribuidos Redis para debugging';
COMMENT ON COLUMN @extschema@.lock_audit.details IS 'JSON: {"holder_id": "worker-1", "ttl": 30, "reason": "timeout"}';

-- The updated_at trigger. The body is the canonical one (it runs no query,
-- so it needs no search_path).
CREATE FUNCTION @extschema@.update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ language 'plpgsql';

CREATE TRIGGER update_users_updated_at
    BEFORE UPDATE ON @extschema@.users
    FOR EACH ROW
    EXECUTE FUNCTION @extschema@.update_updated_at_column();

CREATE TRIGGER update_tenants_updated_at
    BEFORE UPDATE ON @extschema@.tenants
    FOR EACH ROW
    EXECUTE FUNCTION @extschema@.update_updated_at_column();

COMMENT ON FUNCTION @extschema@.update_updated_at_column() IS 'Actualiza automáticamente updated_at en UPDATEs';

-- pg_dump must keep the rows (and the sequences' positions): the tables are
-- members of the extension, which pg_dump would otherwise skip.
-- @if extension
SELECT pg_catalog.pg_extension_config_dump('@extschema@.users', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.user_sessions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.password_history', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenants', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_user_identifiers', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lock_audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.password_history_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenants_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_user_identifiers_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lock_audit_id_seq', '');
-- @endif
-- @end-once
