//! Compressed bodies of the site's files, made once and kept in memory.
//!
//! Keyed by path, length, modification time, encoding and whether the live-reload script is
//! injected, so a rebuilt file is compressed anew; bounded in total bytes (least recently used
//! entries go first). Concurrent requests for a body not made yet wait for one compression
//! (in `spawn_blocking`) instead of each doing it.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use tokio::sync::OnceCell;

/// Total compressed bytes kept.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;
/// Smaller files are not worth a `Content-Encoding`.
pub const MIN_SIZE: u64 = 256;
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        }
    }

    /// The best encoding the request accepts (brotli first), if any.
    pub fn choose(headers: &HeaderMap) -> Option<Encoding> {
        let (mut gzip, mut br, mut star) = (None, None, None);
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match name.as_str() {
                    "gzip" | "x-gzip" => gzip = Some(q),
                    "br" => br = Some(q),
                    "*" => star = Some(q),
                    _ => {}
                }
            }
        }
        let accepts = |q: Option<f32>| q.or(star).is_some_and(|q| q > 0.0);
        if accepts(br) {
            Some(Encoding::Brotli)
        } else if accepts(gzip) {
            Some(Encoding::Gzip)
        } else {
            None
        }
    }

    pub fn compress(self, data: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Encoding::Gzip => {
                let mut e = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 4),
                    flate2::Compression::default(),
                );
                e.write_all(data)?;
                e.finish()
            }
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(data.len() / 4);
                {
                    let mut w = brotli::CompressorWriter::new(
                        &mut out,
                        64 * 1024,
                        BROTLI_QUALITY,
                        BROTLI_WINDOW,
                    );
                    w.write_all(data)?;
                    w.flush()?;
                }
                Ok(out)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub path: PathBuf,
    pub len: u64,
    pub modified_nanos: u128,
    pub inject: bool,
    pub encoding: Encoding,
}

struct Slot {
    cell: std::sync::Arc<OnceCell<Bytes>>,
    size: usize,
    used: u64,
}

#[derive(Default)]
struct Inner {
    slots: HashMap<Key, Slot>,
    bytes: usize,
    tick: u64,
}

pub struct Cache {
    budget: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Cache {
    pub fn new(budget: usize) -> Cache {
        Cache {
            budget,
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The compressed body for `key`; `load` gives the uncompressed bytes when it is not kept
    /// yet (run on a blocking thread, with the compression).
    pub async fn get(
        &self,
        key: Key,
        load: impl FnOnce() -> std::io::Result<Vec<u8>> + Send + 'static,
    ) -> std::io::Result<Bytes> {
        let cell = {
            let mut inner = self.inner.lock().expect("cache lock");
            inner.tick += 1;
            let tick = inner.tick;
            match inner.slots.get_mut(&key) {
                Some(slot) => {
                    slot.used = tick;
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    slot.cell.clone()
                }
                None => {
                    self.misses.fetch_add(1, Ordering::Relaxed);
                    let cell = std::sync::Arc::new(OnceCell::new());
                    inner.slots.insert(
                        key.clone(),
                        Slot {
                            cell: cell.clone(),
                            size: 0,
                            used: tick,
                        },
                    );
                    cell
                }
            }
        };
        let encoding = key.encoding;
        let mut made = false;
        let result = cell
            .get_or_try_init(|| {
                made = true;
                async move {
                    tokio::task::spawn_blocking(move || {
                        encoding.compress(&load()?).map(Bytes::from)
                    })
                    .await
                    .map_err(std::io::Error::other)?
                }
            })
            .await
            .cloned();
        let mut inner = self.inner.lock().expect("cache lock");
        match &result {
            Err(_) => {
                if inner.slots.get(&key).is_some_and(|s| !s.cell.initialized()) {
                    inner.slots.remove(&key);
                }
            }
            Ok(bytes) if made => {
                if let Some(slot) = inner.slots.get_mut(&key) {
                    slot.size = bytes.len();
                    inner.bytes += bytes.len();
                }
                self.evict(&mut inner);
            }
            Ok(_) => {}
        }
        result
    }

    /// Drop least recently used bodies until the total fits the budget.
    fn evict(&self, inner: &mut Inner) {
        while inner.bytes > self.budget {
            let Some(oldest) = inner
                .slots
                .iter()
                .filter(|(_, s)| s.cell.initialized())
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(slot) = inner.slots.remove(&oldest) {
                inner.bytes -= slot.size;
            }
        }
    }

    /// `{entries, bytes, hits, misses}` for `/healthz`.
    pub fn stats(&self) -> serde_json::Value {
        let inner = self.inner.lock().expect("cache lock");
        serde_json::json!({
            "entries": inner.slots.len(),
            "bytes": inner.bytes,
            "hits": self.hits.load(Ordering::Relaxed),
            "misses": self.misses.load(Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn key(name: &str, encoding: Encoding) -> Key {
        Key {
            path: name.into(),
            len: 1,
            modified_nanos: 1,
            inject: false,
            encoding,
        }
    }

    #[tokio::test]
    async fn compresses_once_and_stays_within_budget() {
        let cache = Cache::new(3000);
        let text = "helpful page text ".repeat(1000).into_bytes();
        let t = text.clone();
        let gz = cache
            .get(key("a", Encoding::Gzip), move || Ok(t))
            .await
            .unwrap();
        let again = cache
            .get(key("a", Encoding::Gzip), || panic!("compressed twice"))
            .await
            .unwrap();
        assert_eq!(gz, again);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, text);
        let t = text.clone();
        let br = cache
            .get(key("a", Encoding::Brotli), move || Ok(t))
            .await
            .unwrap();
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, text);
        assert_eq!(cache.stats()["hits"], 1);
        assert_eq!(cache.stats()["misses"], 2);
        // Bodies of other files push the least recently used out.
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j", "k"] {
            let t = format!("{name} {}", "x".repeat(20_000)).into_bytes();
            cache
                .get(key(name, Encoding::Gzip), move || Ok(t))
                .await
                .unwrap();
        }
        assert!(cache.stats()["bytes"].as_u64().unwrap() <= 3000);
    }

    #[test]
    fn chooses_an_accepted_encoding() {
        let choose = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
            Encoding::choose(&h)
        };
        assert_eq!(choose("gzip"), Some(Encoding::Gzip));
        assert_eq!(choose("gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(choose("br;q=0, gzip"), Some(Encoding::Gzip));
        assert_eq!(choose("identity"), None);
        assert_eq!(choose("*"), Some(Encoding::Brotli));
        assert_eq!(choose("*;q=0"), None);
        assert_eq!(Encoding::choose(&HeaderMap::new()), None);
    }
}
