//! The Messaging Center's rules: TICKET-MESSAGE and TICKET-ATTACHMENT with flagged inputs and
//! near-misses, the attachment sniffing and the ticket states.

use appreg_core::{
    check_attachments, check_ticket_message, sniff_attachment, ticket_transition, FieldPath, Rule,
    TicketEvent, TicketFilter, TicketState, MAX_ATTACHMENT_BYTES,
};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!";
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03, 0x01, 0x22, 0x00, 0x02,
    0x11, 0x01, 0x03, 0x11, 0x01,
];
const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>";

#[test]
fn ticket_message_is_1_to_10000_characters_after_trimming() {
    for flagged in [String::new(), "   \n".into(), "x".repeat(10_001)] {
        let c = check_ticket_message(&flagged);
        assert!(c.is_error(), "{} chars", flagged.len());
        assert_eq!(c.findings[0].rule, Rule::TicketMessage);
    }
    for ok in [
        "x".to_string(),
        "x".repeat(10_000),
        format!("  {}  ", "é".repeat(10_000)),
    ] {
        let c = check_ticket_message(&ok);
        assert!(!c.is_error(), "{} chars", ok.chars().count());
        assert_eq!(c.canonical.as_deref(), Some(ok.trim()));
    }
}

#[test]
fn attachments_are_png_jpeg_or_gif_by_their_bytes() {
    assert_eq!(sniff_attachment(PNG), Some("image/png"));
    assert_eq!(sniff_attachment(JPEG), Some("image/jpeg"));
    assert_eq!(sniff_attachment(GIF), Some("image/gif"));
    // SVG is an image the App Store takes, but never an attachment; text named .png neither.
    for not in [
        SVG,
        b"hello, this is not a picture".as_slice(),
        b"GIF89a",
        b"",
    ] {
        assert_eq!(sniff_attachment(not), None);
    }
    assert_eq!(
        check_attachments(&[PNG, JPEG, GIF]),
        Ok(vec!["image/png", "image/jpeg", "image/gif"])
    );
    assert_eq!(check_attachments(&[]), Ok(vec![]));
}

#[test]
fn attachments_flag_too_many_wrong_bytes_and_oversized() {
    let errors = check_attachments(&[PNG, PNG, PNG, PNG]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, FieldPath::File);
    assert_eq!(errors[0].rule, Rule::TicketAttachment);

    let errors = check_attachments(&[PNG, SVG]).unwrap_err();
    assert_eq!(errors[0].field, FieldPath::FileEntry(1));
    assert_eq!(errors[0].field.to_string(), "file[1]");

    let mut big = PNG.to_vec();
    big.resize(MAX_ATTACHMENT_BYTES as usize + 1, 0);
    let errors = check_attachments(&[&big]).unwrap_err();
    assert_eq!(errors[0].field, FieldPath::FileEntry(0));
    assert_eq!(errors[0].rule, Rule::TicketAttachment);
    // The near-miss: exactly 5 MB.
    big.truncate(MAX_ATTACHMENT_BYTES as usize);
    assert!(check_attachments(&[&big]).is_ok());
}

#[test]
fn ticket_states_follow_the_conversation() {
    use TicketEvent::*;
    use TicketState::*;
    assert_eq!(ticket_transition(Closed, Requested), Ok(Open));
    assert_eq!(
        ticket_transition(Open, AppManagerReply),
        Ok(WaitingForPartner)
    );
    assert_eq!(ticket_transition(WaitingForPartner, PartnerReply), Ok(Open));
    assert_eq!(ticket_transition(Closed, PartnerReply), Ok(Open));
    assert_eq!(
        ticket_transition(WaitingForPartner, MarkedAnswered),
        Ok(Open)
    );
    assert_eq!(ticket_transition(Open, MarkedAnswered), Ok(Open));
    assert!(ticket_transition(Closed, MarkedAnswered).is_err());
    assert_eq!(ticket_transition(Open, Approved), Ok(Closed));
    assert_eq!(
        ticket_transition(WaitingForPartner, Rejected),
        Ok(WaitingForPartner)
    );
    assert_eq!(ticket_transition(WaitingForPartner, Approved), Ok(Closed));
}

#[test]
fn states_and_filters_read_back_from_their_text() {
    for s in TicketState::ALL {
        assert_eq!(TicketState::from_id(s.id()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.id());
    }
    assert_eq!(
        serde_json::to_value(TicketState::WaitingForPartner).unwrap(),
        "waiting_for_partner"
    );
    for f in TicketFilter::ALL {
        assert_eq!(TicketFilter::from_id(f.id()), Some(f));
    }
    assert_eq!(
        TicketFilter::Waiting.state(),
        Some(TicketState::WaitingForPartner)
    );
    assert_eq!(TicketFilter::All.state(), None);
}
