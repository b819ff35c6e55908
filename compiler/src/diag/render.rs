//! Rendering diagnostics: `human` (miette's graphical report), `json` (JSON Lines with file,
//! line and column) and `github` (workflow annotations).

use super::{Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// Output format of diagnostics.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Annotated snippets for people.
    Human,
    /// One JSON object per line (`schemas/diagnostic.schema.json`).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// How paths are shown: the catalogue path as the user gave it, joined with the file's
/// root-relative path.
#[derive(Debug, Clone)]
pub struct PathStyle {
    pub prefix: String,
}

impl PathStyle {
    pub fn new(root_arg: &str) -> Self {
        let p = root_arg.trim_end_matches('/');
        let prefix = if p.is_empty() || p == "." {
            String::new()
        } else {
            format!("{}/", p.strip_prefix("./").unwrap_or(p))
        };
        PathStyle { prefix }
    }

    pub fn show(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }
}

/// Resolved position of a span.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Position {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

fn position(sources: &SourceMap, paths: &PathStyle, span: Span) -> Option<Position> {
    let f = sources.get(span.file)?;
    let (line, column) = f.line_col(span.start);
    let (end_line, end_column) = f.line_col(span.end.max(span.start));
    Some(Position {
        file: paths.show(&f.path),
        line,
        column,
        end_line,
        end_column,
    })
}

// ---------------------------------------------------------------------------------------
// human
// ---------------------------------------------------------------------------------------

/// A diagnostic in the shape miette renders.
#[derive(Debug)]
struct Report {
    title: String,
    /// `None` for a note that explains another report.
    severity: Option<Severity>,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Some(Severity::Error) => miette::Severity::Error,
            Some(Severity::Warning) => miette::Severity::Warning,
            None => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn labeled(l: &Label, primary: bool) -> LabeledSpan {
    let text = (!l.text.is_empty()).then(|| l.text.clone());
    let len = (l.span.end - l.span.start) as usize;
    if primary {
        LabeledSpan::new_primary_with_span(text, (l.span.start as usize, len))
    } else {
        LabeledSpan::new_with_span(text, (l.span.start as usize, len))
    }
}

fn to_report(d: &Diagnostic, sources: &SourceMap, paths: &PathStyle) -> Report {
    let notes = &d.notes;
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let mut source = None;
    if let Some(p) = &d.primary
        && let Some(f) = sources.get(p.span.file)
    {
        source = Some(NamedSource::new(paths.show(&f.path), f.text.clone()));
        labels.push(labeled(p, true));
        for s in &d.secondary {
            if s.span.file == p.span.file {
                labels.push(labeled(s, false));
            } else if let Some(other) = sources.get(s.span.file) {
                // miette cannot label two files in one report: a related report shows the other.
                related.push(Report {
                    title: format!("note: {}", s.text),
                    severity: None,
                    help: None,
                    source: Some(NamedSource::new(
                        paths.show(&other.path),
                        other.text.clone(),
                    )),
                    labels: vec![labeled(s, true)],
                    related: Vec::new(),
                });
            }
        }
    }
    let mut help = d.help.clone();
    if !notes.is_empty() {
        let joined = notes
            .iter()
            .map(|n| format!("note: {n}"))
            .collect::<Vec<_>>()
            .join("\n");
        help = Some(match help {
            Some(h) => format!("{h}\n{joined}"),
            None => joined,
        });
    }
    Report {
        title: format!("{} {}: {}", d.code.code, d.code.name, d.message),
        severity: Some(d.severity),
        help,
        source,
        labels,
        related,
    }
}

/// Render one diagnostic for people. `color` selects the themed or the plain output.
pub fn human(
    d: &Diagnostic,
    sources: &SourceMap,
    paths: &PathStyle,
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_urls(false)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_show_related_as_nested(true);
    let report = to_report(d, sources, paths);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{report}\n");
    }
    out
}

// ---------------------------------------------------------------------------------------
// json
// ---------------------------------------------------------------------------------------

/// The shape of one `--format json` line, for its schema.
#[derive(schemars::JsonSchema)]
#[allow(dead_code, reason = "only its schema is used")]
pub struct JsonDiagnosticSchema {
    /// Stable code, `E0302`.
    code: String,
    /// kebab-case name, `split-shares-not-100`.
    name: String,
    /// `error` or `warning`.
    severity: String,
    message: String,
    /// Path as given on the command line joined with the catalogue-relative path; absent for
    /// problems that belong to no file.
    file: Option<String>,
    /// 1-based.
    line: Option<u32>,
    /// 1-based, in characters.
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    help: Option<String>,
    /// Every labelled span (primary first).
    labels: Vec<JsonLabelSchema>,
    notes: Vec<String>,
}

#[derive(schemars::JsonSchema)]
#[allow(dead_code, reason = "only its schema is used")]
pub struct JsonLabelSchema {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    text: String,
}

#[derive(serde::Serialize)]
struct JsonLabel {
    #[serde(flatten)]
    position: Position,
    text: String,
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    position: Option<Position>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel>,
    notes: &'a [String],
}

/// One JSON object, no trailing newline.
pub fn json(d: &Diagnostic, sources: &SourceMap, paths: &PathStyle) -> String {
    let pos = |l: &Label| {
        position(sources, paths, l.span).map(|position| JsonLabel {
            position,
            text: l.text.clone(),
        })
    };
    let value = JsonDiagnostic {
        code: d.code.code,
        name: d.code.name,
        severity: d.severity,
        message: &d.message,
        position: d
            .primary
            .as_ref()
            .and_then(|p| position(sources, paths, p.span)),
        help: d.help.as_deref(),
        labels: d
            .primary
            .iter()
            .chain(d.secondary.iter())
            .filter_map(pos)
            .collect(),
        notes: &d.notes,
    };
    serde_json::to_string(&value).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------------------

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A `::error …::` workflow command.
pub fn github(d: &Diagnostic, sources: &SourceMap, paths: &PathStyle) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(p) = d
        .primary
        .as_ref()
        .and_then(|p| position(sources, paths, p.span))
    {
        props.push(format!("file={}", escape_property(&p.file)));
        props.push(format!("line={}", p.line));
        props.push(format!("col={}", p.column));
        props.push(format!("endLine={}", p.end_line));
        props.push(format!("endColumn={}", p.end_column));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", d.code.code, d.code.name))
    ));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&msg))
}
