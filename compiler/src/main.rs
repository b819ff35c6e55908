//! `sleeve`: arguments → `cli::run` → exit code. A panic is a bug: exit 101.

use sleeve::cli::{self, Exit};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(exit) => exit,
        Err(_) => Exit::Internal,
    };
    std::process::exit(code as i32);
}
