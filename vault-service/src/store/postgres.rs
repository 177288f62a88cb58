//! The PostgreSQL store, for many replicas. The schema is migrated at start (under an advisory
//! lock, so replicas starting together do not race), uniqueness of both the token and the
//! index key is enforced by the database, and expired rows are deleted by the service's
//! sweeper. Connections come from a pool that replaces broken ones, so the service recovers by
//! itself when the database returns.
//!
//! TLS: a URL with `sslmode=require`, `verify-ca` or `verify-full` connects over TLS, and the
//! server's certificate chain and host name are verified in every one of them (against
//! `ca_file`, or the system's roots): stricter than libpq's `require` and `verify-ca`, which
//! skip some of that. Without one of those modes the connection is plain.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::config::SslMode;
use tokio_postgres::NoTls;

use crate::config::PostgresConfig;

use super::{
    Found, IndexKey, Inserted, Mapping, NewMapping, ScopeHash, Store, StoreError, Stored, Touch,
    EXPIRED_GRACE_SECONDS,
};

/// Each migration runs once, in order, recorded in `veil_schema`.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE veil_mappings (
        tenant      text    NOT NULL,
        token       text    NOT NULL,
        index_key   bytea   NOT NULL,
        entity      text    NOT NULL,
        key_version integer NOT NULL,
        nonce       bytea   NOT NULL,
        ciphertext  bytea   NOT NULL,
        expires_at  bigint  NOT NULL,
        PRIMARY KEY (tenant, token),
        UNIQUE (tenant, index_key)
    );
    CREATE INDEX veil_mappings_expiry ON veil_mappings (expires_at);
    CREATE TABLE veil_grants (
        tenant text  NOT NULL,
        token  text  NOT NULL,
        scope  bytea NOT NULL,
        PRIMARY KEY (tenant, token, scope),
        FOREIGN KEY (tenant, token) REFERENCES veil_mappings (tenant, token) ON DELETE CASCADE
    );
    CREATE INDEX veil_grants_scope ON veil_grants (tenant, scope, token);",
    ),
    (
        2,
        // A value's key whatever its scope (erasure by value); rows written before it have
        // their index key as their value key.
        "ALTER TABLE veil_mappings ADD COLUMN value_key bytea;
         UPDATE veil_mappings SET value_key = index_key;
         ALTER TABLE veil_mappings ALTER COLUMN value_key SET NOT NULL;
         CREATE INDEX veil_mappings_value ON veil_mappings (tenant, value_key);",
    ),
    (
        3,
        // Key records (when this database is the key store); no expiry.
        "CREATE TABLE veil_keys (
            tenant text  NOT NULL,
            name   text  NOT NULL,
            blob   bytea NOT NULL,
            PRIMARY KEY (tenant, name)
        );",
    ),
];

/// Any fixed number: the advisory lock migrations hold.
const MIGRATION_LOCK: i64 = 0x7665_696c_7661_756c;

pub struct PostgresStore {
    pool: Pool,
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("postgres: {e}"))
}

/// Database errors can quote parameters; report the SQLSTATE only.
fn db(e: tokio_postgres::Error) -> StoreError {
    let code = e
        .code()
        .map(|c| c.code().to_string())
        .unwrap_or_else(|| "connection".into());
    StoreError::Unavailable(format!("postgres: {code}"))
}

impl PostgresStore {
    /// Connects, checks the database answers, and applies pending migrations.
    pub async fn connect(settings: &PostgresConfig) -> Result<Self, StoreError> {
        // tokio-postgres knows `require` only; the verifying modes mean the same here.
        let url = settings
            .url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|_| StoreError::Unavailable("postgres: invalid URL".into()))?;
        let recycling = || ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = if config.get_ssl_mode() == SslMode::Require {
            let roots = match &settings.ca_file {
                Some(path) => crate::tls::roots(path, "store.postgres.ca_file"),
                None => Ok(crate::tls::system_roots()),
            }
            .and_then(crate::tls::client_config)
            .map_err(|e| StoreError::Unavailable(format!("postgres: {e}")))?;
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(roots);
            Manager::from_config(config, tls, recycling())
        } else {
            Manager::from_config(config, NoTls, recycling())
        };
        let pool = Pool::builder(manager)
            .max_size(16)
            .wait_timeout(Some(std::time::Duration::from_secs(2)))
            .create_timeout(Some(std::time::Duration::from_secs(2)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(unavailable)?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let txn = client.transaction().await.map_err(db)?;
        txn.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        txn.batch_execute("CREATE TABLE IF NOT EXISTS veil_schema (version integer PRIMARY KEY)")
            .await
            .map_err(db)?;
        let current: i32 = txn
            .query_one("SELECT coalesce(max(version), 0) FROM veil_schema", &[])
            .await
            .map_err(db)?
            .get(0);
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            txn.batch_execute(sql).await.map_err(db)?;
            txn.execute("INSERT INTO veil_schema (version) VALUES ($1)", &[version])
                .await
                .map_err(db)?;
            tracing::info!(version, "postgres schema migrated");
        }
        txn.commit().await.map_err(db)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(unavailable)
    }
}

fn row_mapping(row: &tokio_postgres::Row) -> Result<Mapping, StoreError> {
    let corrupt = || StoreError::Corrupt("unreadable mapping row".into());
    let index_key: Vec<u8> = row.get("index_key");
    let value_key: Vec<u8> = row.get("value_key");
    let nonce: Vec<u8> = row.get("nonce");
    let key_version: i32 = row.get("key_version");
    let expires_at: i64 = row.get("expires_at");
    Ok(Mapping {
        token: row.get("token"),
        index_key: index_key.try_into().map_err(|_| corrupt())?,
        value_key: value_key.try_into().map_err(|_| corrupt())?,
        entity: row.get("entity"),
        key_version: key_version as u32,
        nonce: nonce.try_into().map_err(|_| corrupt())?,
        ciphertext: row.get("ciphertext"),
        expires_at: expires_at as u64,
    })
}

#[async_trait]
impl Store for PostgresStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn find(
        &self,
        tenant: &str,
        keys: &[IndexKey],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Found>>, StoreError> {
        let client = self.client().await?;
        let keys: Vec<&[u8]> = keys.iter().map(|k| k.as_slice()).collect();
        let rows = client
            .query(
                "SELECT m.index_key, m.token, m.expires_at,
                        EXISTS (SELECT 1 FROM veil_grants g WHERE g.tenant = m.tenant AND g.token = m.token AND g.scope = $3) AS granted
                 FROM veil_mappings m WHERE m.tenant = $1 AND m.index_key = ANY($2)",
                &[&tenant, &keys, &scope.as_slice()],
            )
            .await
            .map_err(db)?;
        Ok(keys
            .iter()
            .map(|k| {
                rows.iter()
                    .find(|r| r.get::<_, &[u8]>("index_key") == *k)
                    .map(|r| Found {
                        token: r.get("token"),
                        expires_at: r.get::<_, i64>("expires_at") as u64,
                        granted: r.get("granted"),
                    })
            })
            .collect())
    }

    async fn insert(&self, tenant: &str, new: &[NewMapping]) -> Result<Vec<Inserted>, StoreError> {
        // Rows in index-key order for every transaction, so two batches holding the same new
        // values in different orders cannot deadlock; outcomes map back by (token, index key).
        let mut sorted: Vec<&NewMapping> = new.iter().collect();
        sorted.sort_by_key(|a| a.mapping.index_key);
        let mut client = self.client().await?;
        let txn = client.transaction().await.map_err(db)?;
        let column =
            |f: fn(&NewMapping) -> Vec<u8>| sorted.iter().map(|n| f(n)).collect::<Vec<Vec<u8>>>();
        let tokens: Vec<&str> = sorted.iter().map(|n| n.mapping.token.as_str()).collect();
        let index_keys = column(|n| n.mapping.index_key.to_vec());
        let value_keys = column(|n| n.mapping.value_key.to_vec());
        let entities: Vec<&str> = sorted.iter().map(|n| n.mapping.entity.as_str()).collect();
        let versions: Vec<i32> = sorted
            .iter()
            .map(|n| n.mapping.key_version as i32)
            .collect();
        let nonces = column(|n| n.mapping.nonce.to_vec());
        let ciphertexts = column(|n| n.mapping.ciphertext.clone());
        let expiries: Vec<i64> = sorted.iter().map(|n| n.mapping.expires_at as i64).collect();
        let scopes = column(|n| n.scope.to_vec());
        // One statement for the whole batch. ON CONFLICT DO NOTHING covers both unique
        // constraints, also between rows of this batch; a concurrent insert of the same index
        // key waits for the other transaction and then sees its row. RETURNING says which rows
        // this call created.
        let created: Vec<(String, Vec<u8>)> = txn
            .query(
                "INSERT INTO veil_mappings (tenant, token, index_key, value_key, entity, key_version, nonce, ciphertext, expires_at)
                 SELECT $1, * FROM unnest($2::text[], $3::bytea[], $4::bytea[], $5::text[], $6::int[], $7::bytea[], $8::bytea[], $9::bigint[])
                 ON CONFLICT DO NOTHING RETURNING token, index_key",
                &[&tenant, &tokens, &index_keys, &value_keys, &entities, &versions, &nonces, &ciphertexts, &expiries],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let created: std::collections::HashSet<(String, Vec<u8>)> = created.into_iter().collect();
        let created_tokens: Vec<&str> = created.iter().map(|(t, _)| t.as_str()).collect();
        txn.execute(
            "INSERT INTO veil_grants (tenant, token, scope)
             SELECT $1, t, s FROM unnest($2::text[], $3::bytea[]) AS g(t, s) WHERE t = ANY($4)
             ON CONFLICT DO NOTHING",
            &[&tenant, &tokens, &scopes, &created_tokens],
        )
        .await
        .map_err(db)?;
        // For the rows not created: is the value already mapped (adopt that token), or is the
        // token held by another value (mint the next attempt)?
        let is_created = |n: &NewMapping| {
            created.contains(&(n.mapping.token.clone(), n.mapping.index_key.to_vec()))
        };
        let missed: Vec<&[u8]> = new
            .iter()
            .filter(|n| !is_created(n))
            .map(|n| n.mapping.index_key.as_slice())
            .collect();
        let owners = if missed.is_empty() {
            Vec::new()
        } else {
            txn.query(
                "SELECT index_key, token FROM veil_mappings WHERE tenant = $1 AND index_key = ANY($2)",
                &[&tenant, &missed],
            )
            .await
            .map_err(db)?
        };
        txn.commit().await.map_err(db)?;
        // The vault sends each value once per batch, so an index key identifies its row.
        Ok(new
            .iter()
            .map(|n| {
                if is_created(n) {
                    return Inserted::Created;
                }
                match owners
                    .iter()
                    .find(|r| r.get::<_, &[u8]>(0) == n.mapping.index_key)
                {
                    Some(row) => Inserted::AlreadyMapped(row.get(1)),
                    None => Inserted::TokenTaken,
                }
            })
            .collect())
    }

    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError> {
        // Rows in one order for every transaction, so concurrent batches cannot deadlock.
        let mut touches: Vec<&Touch> = touches.iter().collect();
        touches.sort_by(|a, b| a.token.cmp(&b.token));
        let mut client = self.client().await?;
        let txn = client.transaction().await.map_err(db)?;
        let tokens: Vec<&str> = touches.iter().map(|t| t.token.as_str()).collect();
        let index_keys: Vec<&[u8]> = touches.iter().map(|t| t.index_key.as_slice()).collect();
        let expiries: Vec<i64> = touches.iter().map(|t| t.expires_at as i64).collect();
        let scopes: Vec<&[u8]> = touches.iter().map(|t| t.scope.as_slice()).collect();
        // Only the mapping of this value (same index key): the token may have been erased and
        // re-minted for another value since it was found.
        txn.execute(
            "UPDATE veil_mappings m SET expires_at = u.x
             FROM unnest($2::text[], $3::bytea[], $4::bigint[]) AS u(t, i, x)
             WHERE m.tenant = $1 AND m.token = u.t AND m.index_key = u.i AND m.expires_at < u.x",
            &[&tenant, &tokens, &index_keys, &expiries],
        )
        .await
        .map_err(db)?;
        txn.execute(
            "INSERT INTO veil_grants (tenant, token, scope)
             SELECT $1, g.t, g.s FROM unnest($2::text[], $3::bytea[], $4::bytea[]) AS g(t, i, s)
             WHERE EXISTS (SELECT 1 FROM veil_mappings m WHERE m.tenant = $1 AND m.token = g.t AND m.index_key = g.i)
             ON CONFLICT DO NOTHING",
            &[&tenant, &tokens, &index_keys, &scopes],
        )
        .await
        .map_err(db)?;
        txn.commit().await.map_err(db)
    }

    async fn get(
        &self,
        tenant: &str,
        tokens: &[String],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Stored>>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT m.*, EXISTS (SELECT 1 FROM veil_grants g WHERE g.tenant = m.tenant AND g.token = m.token AND g.scope = $3) AS granted
                 FROM veil_mappings m WHERE m.tenant = $1 AND m.token = ANY($2)",
                &[&tenant, &tokens, &scope.as_slice()],
            )
            .await
            .map_err(db)?;
        tokens
            .iter()
            .map(
                |t| match rows.iter().find(|r| r.get::<_, &str>("token") == t) {
                    Some(r) => Ok(Some(Stored {
                        mapping: row_mapping(r)?,
                        granted: r.get("granted"),
                    })),
                    None => Ok(None),
                },
            )
            .collect()
    }

    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let keys: Vec<&[u8]> = keys.iter().map(|k| k.as_slice()).collect();
        client
            .execute(
                "DELETE FROM veil_mappings WHERE tenant = $1 AND value_key = ANY($2)",
                &[&tenant, &keys],
            )
            .await
            .map_err(db)
    }

    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let txn = client.transaction().await.map_err(db)?;
        let rows = txn
            .query(
                "DELETE FROM veil_grants WHERE tenant = $1 AND scope = $2 RETURNING token",
                &[&tenant, &scope.as_slice()],
            )
            .await
            .map_err(db)?;
        let tokens: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let removed = txn
            .execute(
                "DELETE FROM veil_mappings m WHERE m.tenant = $1 AND m.token = ANY($2)
                 AND NOT EXISTS (SELECT 1 FROM veil_grants g WHERE g.tenant = m.tenant AND g.token = m.token)",
                &[&tenant, &tokens],
            )
            .await
            .map_err(db)?;
        txn.commit().await.map_err(db)?;
        Ok(removed)
    }

    async fn sweep(&self, now: u64) -> Result<u64, StoreError> {
        let cutoff = now.saturating_sub(EXPIRED_GRACE_SECONDS) as i64;
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM veil_mappings WHERE expires_at < $1",
                &[&cutoff],
            )
            .await
            .map_err(db)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.simple_query("SELECT 1").await.map_err(db)?;
        Ok(())
    }

    async fn key_get(&self, tenant: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT blob FROM veil_keys WHERE tenant = $1 AND name = $2",
                &[&tenant, &name],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.get("blob")))
    }

    async fn key_put(&self, tenant: &str, name: &str, blob: &[u8]) -> Result<Vec<u8>, StoreError> {
        let client = self.client().await?;
        // The no-op update makes RETURNING answer the kept row when one exists.
        let row = client
            .query_one(
                "INSERT INTO veil_keys (tenant, name, blob) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, name) DO UPDATE SET blob = veil_keys.blob
                 RETURNING blob",
                &[&tenant, &name, &blob],
            )
            .await
            .map_err(db)?;
        Ok(row.get("blob"))
    }

    async fn key_delete(&self, tenant: &str, name: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "DELETE FROM veil_keys WHERE tenant = $1 AND name = $2",
                &[&tenant, &name],
            )
            .await
            .map_err(db)?;
        Ok(n > 0)
    }
}
