//! Where the engine's batches run: on a rayon pool of worker threads (feature
//! `parallel`, the native build), or one after another on the calling thread
//! (without it: the WebAssembly build, which has no threads).
//!
//! Both give the same figures: batches are seeded by their index and their
//! partial summaries add up exactly, so which thread ran which batch, and in what
//! order, changes nothing. This module owns only that choice; it must not know
//! what a batch computes.

/// The iterator traits `into_par_iter()` needs: rayon's, or a sequential stand-in.
pub mod prelude {
    #[cfg(not(feature = "parallel"))]
    pub use super::IntoParallelIterator;
    #[cfg(feature = "parallel")]
    pub use rayon::prelude::*;
}

/// A pool of worker threads, or the calling thread alone.
pub struct Pool {
    #[cfg(feature = "parallel")]
    pool: rayon::ThreadPool,
}

/// Why a pool could not be made: the operating system's words.
pub struct PoolError(pub String);

impl Pool {
    /// A pool of `threads` workers (0: one per core); without `parallel`, the
    /// calling thread, whatever `threads` asks.
    pub fn new(threads: usize) -> Result<Pool, PoolError> {
        #[cfg(feature = "parallel")]
        {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map(|pool| Pool { pool })
                .map_err(|e| PoolError(e.to_string()))
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = threads;
            Ok(Pool {})
        }
    }

    /// Runs `f` with the pool's workers available to the iterators it starts.
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        #[cfg(feature = "parallel")]
        {
            self.pool.install(f)
        }
        #[cfg(not(feature = "parallel"))]
        {
            f()
        }
    }

    /// How many workers the pool has.
    pub fn current_num_threads(&self) -> usize {
        #[cfg(feature = "parallel")]
        {
            self.pool.current_num_threads()
        }
        #[cfg(not(feature = "parallel"))]
        {
            1
        }
    }
}

/// The index of the pool worker running the caller, if it is one.
pub fn current_thread_index() -> Option<usize> {
    #[cfg(feature = "parallel")]
    {
        rayon::current_thread_index()
    }
    #[cfg(not(feature = "parallel"))]
    {
        Some(0)
    }
}

/// Without `parallel`, `into_par_iter()` is `into_iter()`: the same adapters
/// (`enumerate`, `map`, `collect`, `try_for_each`) then run in order.
#[cfg(not(feature = "parallel"))]
pub trait IntoParallelIterator: IntoIterator + Sized {
    fn into_par_iter(self) -> Self::IntoIter {
        self.into_iter()
    }
}

#[cfg(not(feature = "parallel"))]
impl<T: IntoIterator> IntoParallelIterator for T {}
