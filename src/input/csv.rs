//! CSV readers: Log Analytics `AADProvisioningLogs` exports and the portal's three files.
//!
//! Headers are matched by normalised alias (`fields.rs`); the exact portal headers are not
//! publicly documented, so nothing here depends on one spelling. Rows are read as bytes and
//! checked for UTF-8 field by field, so one bad row is reported and skipped while the rest
//! of the file is still read.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;

use super::fields::{self, EventColumn, PartyKey, PartySlot, PropertyColumn, StepColumn, TopKey};
use super::normalize::{Damage, normalize, parse_details_text};
use super::raw::{RawEvent, RawParty};
use super::{EventSink, Problem};
use crate::event::{Event, ModifiedProperty, Status, Step, StepType};

/// What a CSV file holds, judged from its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    Events,
    Steps,
    Properties,
}

/// Reads the header row and says which kind of file it is, or why it is none.
pub fn classify_headers(headers: &[String]) -> Result<CsvKind, String> {
    let events: Vec<_> = headers.iter().map(|h| fields::event_column(h)).collect();
    let has_change = events.iter().any(|c| {
        matches!(
            c,
            Some(EventColumn::Top(TopKey::ChangeId | TopKey::CorrelationId))
        )
    });
    let steps: Vec<_> = headers.iter().map(|h| fields::step_column(h)).collect();
    let props: Vec<_> = headers.iter().map(|h| fields::property_column(h)).collect();
    let step_only = steps.iter().any(|c| {
        matches!(
            c,
            Some(StepColumn::Order | StepColumn::Description | StepColumn::Type)
        )
    }) && !events
        .iter()
        .any(|c| matches!(c, Some(EventColumn::Top(TopKey::CycleId | TopKey::JobId))));
    let prop_only = props
        .iter()
        .any(|c| matches!(c, Some(PropertyColumn::Old | PropertyColumn::New)));
    if !has_change {
        return Err(format!(
            "no change-id column found; the headers are: {}",
            headers_text(headers)
        ));
    }
    if prop_only {
        Ok(CsvKind::Properties)
    } else if step_only {
        Ok(CsvKind::Steps)
    } else {
        Ok(CsvKind::Events)
    }
}

/// The headers for a message: a file that is not a CSV export can have a "header" of any
/// size, so the list is capped and each name shortened.
pub fn headers_text(headers: &[String]) -> String {
    const MAX_HEADERS: usize = 40;
    const MAX_CHARS: usize = 60;
    let mut names: Vec<String> = headers
        .iter()
        .take(MAX_HEADERS)
        .map(|h| {
            if h.chars().count() > MAX_CHARS {
                let mut s: String = h.chars().take(MAX_CHARS - 1).collect();
                s.push('…');
                s
            } else {
                h.clone()
            }
        })
        .collect();
    if headers.len() > MAX_HEADERS {
        names.push(format!("… ({} more)", headers.len() - MAX_HEADERS));
    }
    names.join(", ")
}

pub fn reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(r)
}

/// The header row, as text.
pub fn read_headers<R: Read>(rdr: &mut csv::Reader<R>) -> Result<Vec<String>, String> {
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => Ok(rec
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .collect()),
        Ok(false) => Err("the file is empty".to_owned()),
        Err(e) => Err(csv_error_text(&e)),
    }
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("read failed: {io}"),
        _ => {
            let s = e.to_string();
            match s.find(": ") {
                Some(i) if s.starts_with("CSV") => s[i + 2..].to_owned(),
                _ => s,
            }
        }
    }
}

/// One data row: its fields as UTF-8 and its line, or why it could not be read.
type Row<'r> = Result<(&'r [&'r str], u64), Problem>;

/// Rows between two progress reports.
const PROGRESS_ROWS: u64 = 4096;

/// Iterates data rows, turning ragged or non-UTF-8 rows into problems. `f` returns false
/// to stop. An I/O error ends the file and is returned.
fn for_each_row<R: Read>(
    rdr: &mut csv::Reader<R>,
    label: &str,
    width: usize,
    progress: &dyn Fn(u64),
    mut f: impl FnMut(Row<'_>) -> bool,
) -> Result<(), Problem> {
    let mut rec = csv::ByteRecord::new();
    let mut ahead = csv::ByteRecord::new();
    let mut have_ahead = false;
    let mut rows = 0u64;
    loop {
        rows += 1;
        if rows.is_multiple_of(PROGRESS_ROWS) {
            progress(rdr.position().byte());
        }
        if have_ahead {
            std::mem::swap(&mut rec, &mut ahead);
            have_ahead = false;
        } else {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    let p = Problem::at_line(label, line, csv_error_text(&e)).of_kind("csv-record");
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(p);
                    }
                    if !f(Err(p)) {
                        return Ok(());
                    }
                    continue;
                }
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        // A blank line (or Excel's trailing empty row) is not a record.
        if rec.len() == 1 && rec[0].is_empty() {
            continue;
        }
        // A quote left open swallows the rest of the file into one field, so the row can
        // even have the right number of fields. It is then the last row: read one ahead to
        // know, and reject it rather than keep the rows it swallowed as one event's text.
        if let Some(swallowed) = swallowed_rows(&rec, width) {
            match rdr.read_byte_record(&mut ahead) {
                Ok(false) => {
                    let p = Problem::at_line(
                        label,
                        line,
                        format!(
                            "a quote opened in this row is never closed: the {swallowed} rows after it were read as one field (is a quote left open?)"
                        ),
                    )
                    .of_kind("csv-open-quote");
                    if !f(Err(p)) {
                        return Ok(());
                    }
                    continue;
                }
                Ok(true) => have_ahead = true,
                // The error comes again on the next read, and is handled there.
                Err(_) => {}
            }
        }
        let row: Row<'_> = if rec.len() != width {
            let open_quote = rec.iter().any(|f| f.contains(&b'\n'));
            Err(Problem::at_line(
                label,
                line,
                format!(
                    "the row has {} fields but the header has {width}{}",
                    rec.len(),
                    if open_quote {
                        " (a quoted field runs over several lines: is a quote left open?)"
                    } else {
                        ""
                    }
                ),
            )
            .of_kind("csv-row-width"))
        } else {
            let mut fields: Vec<&str> = Vec::with_capacity(width);
            let mut bad = None;
            for (i, field) in rec.iter().enumerate() {
                match std::str::from_utf8(field) {
                    Ok(s) => fields.push(s),
                    Err(_) => {
                        bad = Some(i);
                        break;
                    }
                }
            }
            match bad {
                Some(i) => Err(Problem::at_line(
                    label,
                    line,
                    format!("field {} is not valid UTF-8", i + 1),
                )
                .of_kind("csv-utf8")),
                None => {
                    if !f(Ok((&fields, line))) {
                        return Ok(());
                    }
                    continue;
                }
            }
        };
        if !f(row) {
            return Ok(());
        }
    }
}

/// When a field of the row holds line breaks followed by lines that look like rows of
/// this file (as many separators as the header), the number of such lines.
fn swallowed_rows(rec: &csv::ByteRecord, width: usize) -> Option<usize> {
    // One vectorised scan of the whole row first: almost no row has a line break.
    if width < 2 || memchr::memchr(b'\n', rec.as_slice()).is_none() {
        return None;
    }
    let rows = rec
        .iter()
        .filter(|f| f.contains(&b'\n'))
        .flat_map(|f| f.split(|b| *b == b'\n').skip(1))
        .filter(|l| l.iter().filter(|b| **b == b',').count() >= width - 1)
        .count();
    (rows > 0).then_some(rows)
}

/// Reports an event kept with unreadable fields, at its row.
fn note_damage(
    sink: &mut dyn EventSink,
    label: &str,
    line: u64,
    change_id: Option<&str>,
    damage: Damage,
) {
    if damage.fields() > 0 {
        let pos = super::source::Position { line, column: 0 };
        sink.damaged(super::damage_problem(label, &pos, change_id, damage));
    }
}

/// What [`RawEvent::check`] found wrong with an event that is not read in full.
fn checked_damage(raw: &RawEvent<'_>) -> Damage {
    Damage {
        raw: raw.wrong_fields(),
        bad_fields: raw.bad_form(),
    }
}

fn party_mut<'a, 'b>(ev: &'b mut RawEvent<'a>, slot: PartySlot) -> &'b mut RawParty<'a> {
    match slot {
        PartySlot::ServicePrincipal => &mut ev.service_principal,
        PartySlot::SourceSystem => &mut ev.source_system,
        PartySlot::TargetSystem => &mut ev.target_system,
        PartySlot::SourceIdentity => &mut ev.source_identity,
        PartySlot::TargetIdentity => &mut ev.target_identity,
        PartySlot::InitiatedBy => &mut ev.initiated_by,
    }
}

fn raw_from_row<'a>(columns: &[Option<EventColumn>], row: &[&'a str]) -> RawEvent<'a> {
    let mut ev = RawEvent::default();
    for (col, value) in columns.iter().zip(row) {
        let Some(col) = col else { continue };
        if value.trim().is_empty() {
            continue;
        }
        let v = Cow::Borrowed(*value);
        match *col {
            EventColumn::Top(key) => ev.set_text(key, v),
            EventColumn::Party(slot, key) => {
                let p = party_mut(&mut ev, slot);
                match key {
                    PartyKey::Id => p.id = Some(v),
                    PartyKey::Name => p.name = Some(v),
                    PartyKey::Kind => p.kind = Some(v),
                    PartyKey::Details => {}
                }
            }
            EventColumn::Upn(slot) => party_mut(&mut ev, slot).upn = Some(v),
            EventColumn::Error(key) => {
                let e = &mut ev.status.error;
                let slot = match key {
                    fields::ErrorKey::Code => &mut e.code,
                    fields::ErrorKey::Reason => &mut e.reason,
                    fields::ErrorKey::AdditionalDetails => &mut e.additional_details,
                    fields::ErrorKey::Category => &mut e.category,
                    fields::ErrorKey::RecommendedAction => &mut e.recommended_action,
                };
                *slot = Some(v);
            }
        }
        ev.known = ev.known.saturating_add(1);
    }
    ev
}

/// One CSV of events (Log Analytics, or a portal `ProvisioningLogs` file read alone):
/// every row is an event, streamed.
pub fn read_events<R: Read>(
    rdr: &mut csv::Reader<R>,
    headers: &[String],
    label: &str,
    sink: &mut dyn EventSink,
) -> Result<u64, Problem> {
    let columns: Vec<_> = headers.iter().map(|h| fields::event_column(h)).collect();
    let mut n = 0;
    let bytes = std::cell::Cell::new(0u64);
    for_each_row(rdr, label, headers.len(), &|b| bytes.set(b), |row| {
        sink.progress(bytes.get());
        let (row, line) = match row {
            Ok(r) => r,
            Err(p) => {
                sink.rejected(p);
                return !sink.stop();
            }
        };
        n += 1;
        let mut raw = raw_from_row(&columns, row);
        raw.check();
        if sink.seen(&raw) {
            let (ev, damage) = normalize(&raw);
            note_damage(sink, label, line, ev.change_id.as_deref(), damage);
            sink.selected(ev, damage);
        } else {
            note_damage(sink, label, line, raw.change_id(), checked_damage(&raw));
        }
        !sink.stop()
    })?;
    Ok(n)
}

/// The portal's three files: events are read first and only the selected ones are kept;
/// then the modified properties and the steps are joined onto them by change id.
pub struct PortalSet<R> {
    pub events: (csv::Reader<R>, Vec<String>, String),
    pub steps: Option<(csv::Reader<R>, Vec<String>, String)>,
    pub properties: Option<(csv::Reader<R>, Vec<String>, String)>,
}

/// Rows of a steps or properties file whose change id no event has: counted, and the
/// first one's line kept, for one note.
#[derive(Default)]
struct Orphans {
    count: u64,
    first_line: u64,
}

impl Orphans {
    fn see(&mut self, line: u64) {
        if self.count == 0 {
            self.first_line = line;
        }
        self.count += 1;
    }

    fn note(&self, label: &str, what: &str, events: &str) -> Option<String> {
        (self.count > 0).then(|| {
            format!(
                "{label}: line {}: {} {what} rows name a change id that no event in {events} has; they are not joined to any event",
                self.first_line, self.count
            )
        })
    }
}

/// A change id reduced to 8 bytes: every event's id is remembered to tell orphan step rows
/// from those of events that were merely not selected, without holding every id's text.
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// What the steps and properties files are joined against: the kept events' indices by
/// change id, and a hash of every event's id (kept or not) to tell orphan rows.
struct Join<'a> {
    all_ids: &'a HashSet<u64>,
    by_change: &'a HashMap<String, Vec<usize>>,
    events_label: &'a str,
}

impl Join<'_> {
    /// Calls `each(row, change id, line, kept events with that id)` for every good row of a
    /// steps or properties file (bad rows are rejected through the sink), and adds a note
    /// for rows whose change id no event has. Rows given to `each` have exactly
    /// `headers.len()` fields (`for_each_row` rejects the others), so any index taken from
    /// `headers` is in range.
    #[allow(clippy::too_many_arguments)]
    fn rows<R: Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        headers: &[String],
        label: &str,
        what: &str,
        id_i: usize,
        sink: &mut dyn EventSink,
        notes: &mut Vec<String>,
        mut each: impl FnMut(&[&str], &str, u64, &[usize]),
    ) -> Result<(), Problem> {
        let mut orphans = Orphans::default();
        for_each_row(rdr, label, headers.len(), &|_| {}, |row| {
            let (row, line) = match row {
                Ok(r) => r,
                Err(p) => {
                    sink.rejected(p);
                    return !sink.stop();
                }
            };
            let id = row[id_i].trim();
            if !self.all_ids.contains(&id_hash(id)) {
                orphans.see(line);
            }
            let idx = self.by_change.get(id).map_or(&[][..], Vec::as_slice);
            each(row, id, line, idx);
            !sink.stop()
        })?;
        notes.extend(orphans.note(label, what, self.events_label));
        Ok(())
    }
}

/// Returns notes on what could not be joined (rows naming unknown change ids, change ids
/// shared by several events).
pub fn read_portal_set<R: Read>(
    set: PortalSet<R>,
    sink: &mut dyn EventSink,
) -> Result<Vec<String>, Problem> {
    let (mut rdr, headers, label) = set.events;
    let columns: Vec<_> = headers.iter().map(|h| fields::event_column(h)).collect();
    let mut pending: Vec<(Event, super::normalize::Damage)> = Vec::new();
    let mut by_change: HashMap<String, Vec<usize>> = HashMap::new();
    // Successful updates, to tell later whether only `accountDisabled` was touched.
    let mut updates: HashMap<String, (bool, bool)> = HashMap::new();
    let mut all_ids: HashSet<u64> = HashSet::new();
    let mut shared = Orphans::default();
    let mut notes = Vec::new();
    let events_label = label.clone();
    let bytes = std::cell::Cell::new(0u64);
    for_each_row(&mut rdr, &label, headers.len(), &|b| bytes.set(b), |row| {
        sink.progress(bytes.get());
        let (row, line) = match row {
            Ok(r) => r,
            Err(p) => {
                sink.rejected(p);
                return !sink.stop();
            }
        };
        let mut raw = raw_from_row(&columns, row);
        raw.check();
        if let Some(id) = raw.change_id()
            && !all_ids.insert(id_hash(id.trim()))
        {
            shared.see(line);
        }
        if raw.action() == Some(crate::event::Action::Update)
            && raw.status() == Some(Status::Success)
            && let Some(id) = raw.change_id()
        {
            updates.insert(id.to_owned(), (false, false));
        }
        if sink.seen(&raw) {
            let (ev, damage) = normalize(&raw);
            note_damage(sink, &label, line, ev.change_id.as_deref(), damage);
            if let Some(id) = &ev.change_id {
                by_change.entry(id.clone()).or_default().push(pending.len());
            }
            pending.push((ev, damage));
        } else {
            note_damage(sink, &label, line, raw.change_id(), checked_damage(&raw));
        }
        !sink.stop()
    })?;
    if shared.count > 0 {
        notes.push(format!(
            "{label}: line {}: {} events have a change id that an earlier row already has; both are kept, and steps and properties are joined to each",
            shared.first_line, shared.count
        ));
    }

    if let Some((mut rdr, headers, label)) = set.properties {
        let cols: Vec<_> = headers.iter().map(|h| fields::property_column(h)).collect();
        let find = |c: PropertyColumn| cols.iter().position(|x| *x == Some(c));
        let (id_i, name_i, old_i, new_i) = (
            find(PropertyColumn::ChangeId),
            find(PropertyColumn::Name),
            find(PropertyColumn::Old),
            find(PropertyColumn::New),
        );
        // Every column index comes from `headers`, and `Join::rows` hands over rows of
        // exactly that width: the `row[i]` below cannot be out of range.
        if let (Some(id_i), Some(name_i)) = (id_i, name_i) {
            let join = Join {
                all_ids: &all_ids,
                by_change: &by_change,
                events_label: &events_label,
            };
            let mut added: Vec<(usize, ModifiedProperty)> = Vec::new();
            join.rows(
                &mut rdr,
                &headers,
                &label,
                "ModifiedProperties",
                id_i,
                sink,
                &mut notes,
                |row, id, _, idx| {
                    let name = row[name_i].trim();
                    if let Some(flags) = updates.get_mut(id) {
                        if name.eq_ignore_ascii_case("accountDisabled") {
                            flags.0 = true;
                        } else {
                            flags.1 = true;
                        }
                    }
                    let cell = |i: Option<usize>| {
                        i.map(|i| row[i])
                            .filter(|v| !v.is_empty())
                            .map(str::to_owned)
                    };
                    for &k in idx {
                        added.push((
                            k,
                            ModifiedProperty {
                                name: name.to_owned(),
                                old_value: cell(old_i),
                                new_value: cell(new_i),
                            },
                        ));
                    }
                },
            )?;
            for (k, p) in added {
                pending[k].0.modified_properties.push(p);
            }
        } else {
            sink.rejected(Problem::at_line(
                &label,
                1,
                format!(
                    "no change-id or property-name column; the headers are: {}",
                    headers_text(&headers)
                ),
            ));
        }
    }
    let noise = updates
        .values()
        .filter(|(acct, other)| *acct && !*other)
        .count() as u64;
    sink.noise(noise);

    if let Some((mut rdr, headers, label)) = set.steps {
        let cols: Vec<_> = headers.iter().map(|h| fields::step_column(h)).collect();
        let find = |c: StepColumn| cols.iter().position(|x| *x == Some(c));
        let id_i = find(StepColumn::ChangeId);
        let (order_i, name_i, type_i, status_i, desc_i, details_i) = (
            find(StepColumn::Order),
            find(StepColumn::Name),
            find(StepColumn::Type),
            find(StepColumn::Status),
            find(StepColumn::Description),
            find(StepColumn::Details),
        );
        let mut orders: HashMap<usize, Vec<u64>> = HashMap::new();
        if let Some(id_i) = id_i {
            let join = Join {
                all_ids: &all_ids,
                by_change: &by_change,
                events_label: &events_label,
            };
            let mut added: Vec<(usize, u64, Step)> = Vec::new();
            join.rows(
                &mut rdr,
                &headers,
                &label,
                "ProvisioningSteps",
                id_i,
                sink,
                &mut notes,
                |row, _, line, idx| {
                    if idx.is_empty() {
                        return;
                    }
                    let cell = |i: Option<usize>| {
                        i.map(|i| row[i])
                            .filter(|v| !v.trim().is_empty())
                            .map(str::to_owned)
                    };
                    let step = Step {
                        name: cell(name_i),
                        step_type: cell(type_i)
                            .map(|t| StepType::parse(&t))
                            .unwrap_or(StepType::Unknown),
                        status: cell(status_i)
                            .map(|s| Status::parse(&s))
                            .unwrap_or(Status::Unknown),
                        description: cell(desc_i),
                        details: details_i
                            .map(|i| parse_details_text(row[i]))
                            .unwrap_or_default(),
                    };
                    let order = order_i
                        .and_then(|i| row[i].trim().parse::<u64>().ok())
                        .unwrap_or(line);
                    for &k in idx {
                        added.push((k, order, step.clone()));
                    }
                },
            )?;
            for (k, order, step) in added {
                pending[k].0.steps.push(step);
                orders.entry(k).or_default().push(order);
            }
        } else {
            sink.rejected(Problem::at_line(
                &label,
                1,
                format!(
                    "no change-id column; the headers are: {}",
                    headers_text(&headers)
                ),
            ));
        }
        // Rows may come in any order; the step number (or the row order) decides.
        for (k, ord) in orders {
            let steps = std::mem::take(&mut pending[k].0.steps);
            let mut paired: Vec<_> = ord.into_iter().zip(steps).collect();
            paired.sort_by_key(|(o, _)| *o);
            pending[k].0.steps = paired.into_iter().map(|(_, s)| s).collect();
        }
    }

    for (ev, damage) in pending {
        if sink.stop() {
            break;
        }
        sink.selected(ev, damage);
    }
    Ok(notes)
}
