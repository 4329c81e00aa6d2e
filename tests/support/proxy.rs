//! A TCP proxy on loopback between shopterm and the demo shop that can break the connection of an
//! order being placed (`POST /api/customer/orders`): before the request reaches the shop, or after
//! the shop has answered (the order exists) but before the answer reaches shopterm. Everything
//! else passes through unchanged.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Where the proxy breaks the connection of an order request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    /// The request never reaches the shop.
    BeforeRequest,
    /// The shop receives the request and answers; the answer is thrown away.
    AfterResponse,
}

pub struct KillingProxy {
    pub base_url: String,
    /// How many order requests are still to be broken.
    remaining: Arc<AtomicUsize>,
    /// How many order requests were broken.
    broken: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for KillingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const ORDER_REQUEST: &[u8] = b"POST /api/customer/orders ";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl KillingProxy {
    /// Forwards to `upstream` (host:port); the next `times` order requests are broken as `kill` says.
    pub async fn start(upstream: std::net::SocketAddr, kill: Kill, times: usize) -> KillingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let remaining = Arc::new(AtomicUsize::new(times));
        let broken = Arc::new(AtomicUsize::new(0));
        let (r, b) = (remaining.clone(), broken.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    break;
                };
                let (r, b) = (r.clone(), b.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, kill, r, b).await;
                    }
                });
            }
        });
        KillingProxy {
            base_url: format!("http://{addr}"),
            remaining,
            broken,
            task,
        }
    }

    /// Order requests broken so far.
    pub fn broken(&self) -> usize {
        self.broken.load(Ordering::SeqCst)
    }

    /// Let everything through from now on.
    pub fn disarm(&self) {
        self.remaining.store(0, Ordering::SeqCst);
    }
}

/// Takes one from `remaining` if any is left.
fn take_one(remaining: &AtomicUsize) -> bool {
    remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// HTTP/1.1 without pipelining: once an order request has gone up a connection, the next bytes
/// that come down it are that request's answer.
async fn relay(
    client: TcpStream,
    server: TcpStream,
    kill: Kill,
    remaining: Arc<AtomicUsize>,
    broken: Arc<AtomicUsize>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let up = {
        let (armed, broken) = (armed.clone(), broken.clone());
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match client_read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if contains(&buf[..n], ORDER_REQUEST) && take_one(&remaining) {
                    match kill {
                        Kill::BeforeRequest => {
                            // Dropping the halves closes the connection.
                            broken.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                        Kill::AfterResponse => armed.store(true, Ordering::SeqCst),
                    }
                }
                if server_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            let _ = server_write.shutdown().await;
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if armed.load(Ordering::SeqCst) {
                // The shop has answered the order: the answer is lost on the way.
                broken.fetch_add(1, Ordering::SeqCst);
                return;
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    // Whichever side ends first ends the connection: both halves are dropped.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

/// What [`HookProxy`] runs before it passes a matching request on.
pub type Hook =
    Arc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync>;

/// A TCP proxy on loopback that, before passing on a request whose bytes contain `needle`, runs
/// a hook and waits for it, from the `skip + 1`-th such request on: e.g. an order placed between
/// two order-list pages, at a known place instead of by luck.
pub struct HookProxy {
    pub base_url: String,
    /// How many times the hook ran.
    hooked: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HookProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HookProxy {
    pub async fn start(
        upstream: std::net::SocketAddr,
        needle: &'static [u8],
        skip: usize,
        hook: Hook,
    ) -> HookProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let hooked = Arc::new(AtomicUsize::new(0));
        let counter = hooked.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    break;
                };
                let (seen, hooked, hook) = (seen.clone(), counter.clone(), hook.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let up = async move {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match client_read.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            // A small GET arrives in one read on loopback.
                            if contains(&buf[..n], needle)
                                && seen.fetch_add(1, Ordering::SeqCst) >= skip
                            {
                                hook().await;
                                hooked.fetch_add(1, Ordering::SeqCst);
                            }
                            if server_write.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = server_write.shutdown().await;
                    };
                    let down = async move {
                        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                        let _ = client_write.shutdown().await;
                    };
                    tokio::join!(up, down);
                });
            }
        });
        HookProxy {
            base_url: format!("http://{addr}"),
            hooked,
            task,
        }
    }

    /// How many requests the hook ran before.
    pub fn hooked(&self) -> usize {
        self.hooked.load(Ordering::SeqCst)
    }
}
