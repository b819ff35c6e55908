//! DSP acknowledgements: did the DSP accept what it was sent?
//!
//! Two shapes are read, from the transport's `acknowledgements/` folder:
//! - DDEX acknowledgement messages (ECHO `ACK_<MessageId>_<time>.xml`, ERN acknowledgement
//!   messages): the acknowledged `MessageId`, a status (`FileOK`, `Success` or `Accepted`
//!   mean accepted; any other value, such as `ResourceMissing` or `IdentifierInvalid`, is a
//!   rejection) and the error text;
//! - a simple JSON status file: `{"message_id": "SLV-…", "status": "accepted" | "rejected",
//!   "reason": "…"}` (one object, or a list of them).
//!
//! Pure: the CLI lists and reads the files.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Deserialize;

/// One acknowledged message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub message_id: String,
    pub accepted: bool,
    pub reason: Option<String>,
}

#[derive(Deserialize)]
struct JsonAck {
    message_id: String,
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonAcks {
    One(JsonAck),
    Many(Vec<JsonAck>),
}

fn accepted(status: &str) -> bool {
    matches!(
        status.trim().to_ascii_lowercase().as_str(),
        "fileok" | "success" | "accepted" | "ok" | "processed" | "ingested"
    )
}

/// The acknowledgements in one file, or why it could not be read. `known` says whether a
/// message id is one Sleeve sent (an ack names other ids too: its own, the sender's).
pub fn parse(name: &str, bytes: &[u8], known: &dyn Fn(&str) -> bool) -> Result<Vec<Ack>, String> {
    if name.ends_with(".json") {
        let acks: JsonAcks = serde_json::from_slice(bytes)
            .map_err(|e| format!("`{name}` is not a status file: {e}"))?;
        let list = match acks {
            JsonAcks::One(a) => vec![a],
            JsonAcks::Many(v) => v,
        };
        return Ok(list
            .into_iter()
            .map(|a| Ack {
                accepted: accepted(&a.status),
                message_id: a.message_id,
                reason: a.reason,
            })
            .collect());
    }
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut status: Option<String> = None;
    let mut reasons: Vec<String> = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let n = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                path.push(n);
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                match path.last().map(String::as_str) {
                    Some("MessageId") => ids.push(text),
                    Some("MessageStatus" | "Status" | "AcknowledgementStatus" | "FileStatus") => {
                        status.get_or_insert(text);
                    }
                    Some(
                        "ErrorText" | "ErrorMessage" | "ErrorDescription" | "Description"
                        | "Reason" | "ErrorType",
                    ) => reasons.push(text),
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("`{name}` is not well-formed XML: {e}")),
            _ => {}
        }
        buf.clear();
    }
    let Some(status) = status else {
        return Err(format!("`{name}` has no status (`MessageStatus`)"));
    };
    let ok = accepted(&status);
    let reason = if ok {
        None
    } else {
        let mut parts = vec![status.clone()];
        parts.extend(reasons);
        parts.dedup();
        Some(parts.join(": "))
    };
    Ok(ids
        .into_iter()
        .filter(|id| known(id))
        .map(|message_id| Ack {
            message_id,
            accepted: ok,
            reason: reason.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REJECTED: &str = r#"<?xml version="1.0"?>
<echo:AcknowledgementMessage xmlns:echo="http://ddex.net/xml/echo/17">
  <MessageHeader><MessageId>DSP-ACK-1</MessageId></MessageHeader>
  <Acknowledgement>
    <MessageId>SLV-0123456789abcdef01234567</MessageId>
    <MessageStatus>ResourceMissing</MessageStatus>
    <ErrorText>resources/0840000000019_T3_Image.jpg was not delivered</ErrorText>
  </Acknowledgement>
</echo:AcknowledgementMessage>"#;

    #[test]
    fn reads_ddex_and_json_acks() {
        let known = |id: &str| id.starts_with("SLV-");
        let acks = parse("ACK_x.xml", REJECTED.as_bytes(), &known).unwrap();
        assert_eq!(acks.len(), 1);
        assert!(!acks[0].accepted);
        assert_eq!(
            acks[0].reason.as_deref(),
            Some("ResourceMissing: resources/0840000000019_T3_Image.jpg was not delivered")
        );
        let ok = REJECTED.replace("ResourceMissing", "FileOK");
        assert!(parse("ACK_y.xml", ok.as_bytes(), &known).unwrap()[0].accepted);
        let json = br#"[{"message_id":"SLV-1","status":"accepted"},{"message_id":"SLV-2","status":"rejected","reason":"bad art"}]"#;
        let acks = parse("status.json", json, &known).unwrap();
        assert!(acks[0].accepted && !acks[1].accepted);
        assert!(parse("bad.xml", b"<a><b></a>", &known).is_err());
        assert!(parse("none.xml", b"<a/>", &known).is_err());
    }
}
