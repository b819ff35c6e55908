//! A thin layer over quick-xml's writer: elements with text, with attributes, and nesting,
//! written to an in-memory buffer (writing to a `Vec` cannot fail).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    pub fn new() -> Self {
        let mut w = Writer::new_with_indent(Vec::with_capacity(64 * 1024), b' ', 2);
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml { w }
    }

    /// `<name attrs…>` — close with [`Xml::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
    }

    pub fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// `<name attrs…>text</name>` (text escaped).
    pub fn text_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
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
        self.w.get_ref().len()
    }

    /// Bytes another [`Xml`] wrote, spliced in as they are: the indentation goes on right, as
    /// long as both were taken between closing tags at the same depth.
    pub fn splice(&mut self, bytes: &[u8]) {
        self.w.get_mut().extend_from_slice(bytes);
    }

    pub fn finish(self) -> Vec<u8> {
        let mut out = self.w.into_inner();
        out.push(b'\n');
        out
    }
}
