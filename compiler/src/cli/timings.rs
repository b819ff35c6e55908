//! `--timings` (hidden, for benchmarks): what each step of a command took.

use super::printer::Printer;

/// What each step took (and which way the command went), on one line at the end.
pub struct Timings {
    on: bool,
    start: std::time::Instant,
    last: std::time::Instant,
    steps: Vec<String>,
}

impl Timings {
    pub fn new(on: bool) -> Self {
        let now = std::time::Instant::now();
        Timings {
            on,
            start: now,
            last: now,
            steps: Vec::new(),
        }
    }

    pub fn step(&mut self, what: String) {
        let now = std::time::Instant::now();
        self.steps
            .push(format!("{what} ({} ms)", (now - self.last).as_millis()));
        self.last = now;
    }

    pub fn print(&self, printer: &Printer) {
        if self.on {
            printer.err(&format!(
                "timings: {} (total {} ms)\n",
                self.steps.join(", "),
                self.start.elapsed().as_millis()
            ));
        }
    }
}
