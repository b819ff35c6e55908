//! A small element tree over `quick_xml::Reader`, remembering which elements the importer
//! read, so everything it did not read can be reported as "not mapped".

use quick_xml::Reader;
use quick_xml::events::Event;
use std::cell::Cell;

/// One element: local name (namespace prefix dropped), attributes, text and children.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    used: Cell<bool>,
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Text wrapped over several lines in the XML, as one line: each line break with the
/// spaces around it becomes one space.
pub fn collapse(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parse a document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Node, String> {
    let mut reader = Reader::from_reader(bytes);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let mut node = Node {
                    name: local(e.name().as_ref()),
                    ..Node::default()
                };
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    if key.starts_with("xmlns") || key.starts_with("xsi:") {
                        continue;
                    }
                    let value = a
                        .unescape_value()
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                    node.attrs.push((local(key.as_bytes()), value));
                }
                if empty {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(node);
                    }
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced XML")?;
                let Some(top) = stack.last_mut() else {
                    return Err("unbalanced XML".into());
                };
                top.children.push(node);
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| e.to_string())?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| e.to_string())?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| e.to_string())?;
                let c = entity(&name).ok_or_else(|| format!("unknown entity `&{name};`"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut doc = stack.pop().ok_or("empty document")?;
    if !stack.is_empty() {
        return Err("unexpected end of the document".into());
    }
    doc.children.pop().ok_or_else(|| "no root element".into())
}

impl Node {
    /// Mark as read (the element itself, not its children).
    pub fn mark(&self) -> &Self {
        self.used.set(true);
        self
    }

    /// Mark as read with everything below it.
    pub fn mark_all(&self) {
        self.used.set(true);
        for c in &self.children {
            c.mark_all();
        }
    }

    pub fn is_used(&self) -> bool {
        self.used.get()
    }

    /// The trimmed text.
    pub fn value(&self) -> &str {
        self.text.trim()
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child named `name`, marked as read.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .map(Node::mark)
    }

    /// Every child named `name`, each marked as read.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name == name)
            .map(Node::mark)
    }

    /// Children named `name`, unmarked (to choose among them first).
    pub fn peek<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Text of the first child named `name` (marked), trimmed, if not empty.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| collapse(c.value()))
            .filter(|s| !s.is_empty())
    }

    /// Follow a path of child names, marking each step.
    pub fn path(&self, names: &[&str]) -> Option<&Node> {
        let mut n = self;
        for name in names {
            n = n.child(name)?;
        }
        Some(n)
    }

    /// Every element below this one (this one included) that was not read, as
    /// (path, value); a skipped element is reported once, not its children.
    pub fn unread(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        let path = if prefix.is_empty() {
            self.name.clone()
        } else {
            format!("{prefix}/{}", self.name)
        };
        if !self.is_used() {
            out.push((path, self.summary()));
            return;
        }
        for c in &self.children {
            c.unread(&path, out);
        }
    }

    /// A short description of the element's content, for notes.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if !self.value().is_empty() {
            s.push_str(self.value());
        } else if !self.children.is_empty() {
            let mut texts = Vec::new();
            self.leaf_texts(&mut texts);
            s.push_str(&texts.join(", "));
        }
        let attrs: Vec<String> = self
            .attrs
            .iter()
            .filter(|(k, _)| k != "ApplicableTerritoryCode" && k != "IsDefault")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !attrs.is_empty() {
            s = format!("{s} [{}]", attrs.join(" "));
        }
        let mut chars = s.chars();
        let short: String = chars.by_ref().take(80).collect();
        if chars.next().is_some() {
            format!("{short}…")
        } else {
            short
        }
    }

    fn leaf_texts(&self, out: &mut Vec<String>) {
        if out.len() > 6 {
            return;
        }
        if self.children.is_empty() {
            if !self.value().is_empty() {
                out.push(format!("{}: {}", self.name, self.value()));
            }
        } else {
            for c in &self.children {
                c.leaf_texts(out);
            }
        }
    }
}
