//! Elements with text, with attributes, and nesting, written indented to an in-memory buffer
//! (writing to a `Vec` cannot fail).
//!
//! The bytes are those quick-xml's indenting writer gives (two spaces a level; a line break
//! before every tag but a closing tag right after text), with quick-xml's escaping of text
//! and attribute values. Written here directly: a build writes about 1.5 GB of XML, and
//! quick-xml's event writer built each start tag in its own buffer first, a tenth of a
//! build's CPU time.

use quick_xml::escape::escape;

pub struct Xml {
    out: Vec<u8>,
    depth: usize,
}

impl Xml {
    pub fn new() -> Self {
        let mut out = Vec::with_capacity(64 * 1024);
        out.extend_from_slice(br#"<?xml version="1.0" encoding="UTF-8"?>"#);
        Xml { out, depth: 0 }
    }

    /// A line break and the indentation of the current depth.
    fn line(&mut self) {
        self.out.push(b'\n');
        self.out.extend(std::iter::repeat_n(b' ', 2 * self.depth));
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.line();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        for (key, value) in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(key.as_bytes());
            self.out.extend_from_slice(b"=\"");
            self.out.extend_from_slice(escape(*value).as_bytes());
            self.out.push(b'"');
        }
        self.out.push(b'>');
    }

    fn end(&mut self, name: &str) {
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'>');
    }

    /// `<name attrs…>` — close with [`Xml::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line();
        self.end(name);
    }

    /// `<name attrs…>text</name>` (text escaped).
    pub fn text_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.out.extend_from_slice(escape(text).as_bytes());
        self.end(name);
    }

    pub fn text(&mut self, name: &str, text: &str) {
        self.text_with(name, &[], text);
    }

    pub fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.text(name, t);
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Bytes another [`Xml`] wrote, spliced in as they are: the indentation goes on right, as
    /// long as both were taken between closing tags at the same depth.
    pub fn splice(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub fn finish(self) -> Vec<u8> {
        let mut out = self.out;
        out.push(b'\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Xml;

    /// The bytes of quick-xml's indenting writer, which wrote these messages before.
    #[test]
    fn writes_what_quick_xml_wrote() {
        use quick_xml::Writer;
        use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
        let mut q = Writer::new_with_indent(Vec::new(), b' ', 2);
        let _ = q.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        let mut ours = Xml::new();
        let attrs = [("Namespace", "A&B \"x\" <y> 'z'")];
        let mut start = BytesStart::new("ern:Message");
        start.push_attribute(attrs[0]);
        let _ = q.write_event(Event::Start(start));
        ours.open("ern:Message", &attrs);
        for (name, text) in [("Title", "Rock & Roll <live> \"it's\""), ("Empty", "")] {
            let _ = q.write_event(Event::Start(BytesStart::new(name)));
            let _ = q.write_event(Event::Text(BytesText::new(text)));
            let _ = q.write_event(Event::End(BytesEnd::new(name)));
            ours.text(name, text);
        }
        let _ = q.write_event(Event::Start(BytesStart::new("List")));
        ours.open("List", &[]);
        let mut start = BytesStart::new("Item");
        start.push_attribute(("Seq", "1"));
        let _ = q.write_event(Event::Start(start));
        let _ = q.write_event(Event::Text(BytesText::new("é")));
        let _ = q.write_event(Event::End(BytesEnd::new("Item")));
        ours.text_with("Item", &[("Seq", "1")], "é");
        let _ = q.write_event(Event::End(BytesEnd::new("List")));
        ours.close("List");
        let _ = q.write_event(Event::End(BytesEnd::new("ern:Message")));
        ours.close("ern:Message");
        let mut expected = q.into_inner();
        expected.push(b'\n');
        assert_eq!(
            String::from_utf8_lossy(&ours.finish()),
            String::from_utf8_lossy(&expected)
        );
    }
}
