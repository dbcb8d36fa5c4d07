//! HTTP map service of ssmplan (in progress).

use std::net::SocketAddr;

use ssmplan_engine::Engine;

/// Options of the map service.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Open the page in a browser once listening.
    pub open_browser: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            open_browser: false,
        }
    }
}

/// Runs the service until Ctrl-C or SIGTERM.
///
/// # Errors
/// The address cannot be bound.
pub fn run(engine: Engine, options: ServeOptions) -> anyhow::Result<()> {
    let _ = (engine, options);
    Ok(())
}
