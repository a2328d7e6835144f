//! Per-client rate limit for feedback posts: a fixed window per IP address, kept in memory only.
//! A window is removed once it has passed, so no address is kept longer than that.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Shared;

/// How often passed windows are removed.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    clients: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// `limit` requests per `window` per client; 0 turns the limit off.
    pub fn new(limit: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            limit,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Count a request; `Err(retry_after)` when the client is over its limit.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut clients = self.clients.lock().expect("rate limit lock");
        let entry = clients.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return Err(self.window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Forget every client whose window has passed.
    pub fn sweep(&self) {
        let now = Instant::now();
        self.clients
            .lock()
            .expect("rate limit lock")
            .retain(|_, (start, _)| now.duration_since(*start) < self.window);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.clients.lock().unwrap().len()
    }
}

pub async fn sweep_forever(state: Shared) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        state.limiter.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_forgets() {
        let limiter = RateLimiter::new(2, Duration::from_millis(50));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_err());
        assert!(limiter.check("192.0.2.2".parse().unwrap()).is_ok());
        std::thread::sleep(Duration::from_millis(60));
        limiter.sweep();
        assert_eq!(limiter.len(), 0, "no address kept after the window");
        assert!(limiter.check(ip).is_ok());
    }
}
