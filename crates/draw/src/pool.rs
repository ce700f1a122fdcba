//! The respondents and the quotas, read from CSV, checked, and grouped into
//! types (respondents with the same value of every feature).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Finding;

/// One feature (gender, age band, part of the wijk, …) with its values in
/// the order of the quotas file, each with the quota of panel seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feature {
    pub name: String,
    pub values: Vec<Quota>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quota {
    pub value: String,
    pub min: u32,
    pub max: u32,
}

/// The quotas: `feature,value,min,max` per line, the format the Sortition
/// Foundation's tools read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quotas {
    pub features: Vec<Feature>,
}

/// The respondents: a code each and, per feature, the index of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub codes: Vec<String>,
    /// `traits[i][f]`: respondent `i`'s value (index into `features[f].values`).
    pub traits: Vec<Vec<usize>>,
}

/// Respondents grouped by their values: every respondent of a type is
/// interchangeable for the quotas, and the leximin gives them one probability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Types {
    /// Per type: its value per feature.
    pub traits: Vec<Vec<usize>>,
    /// Per type: its respondents (indices into the pool), in the pool's order.
    pub members: Vec<Vec<usize>>,
}

/// Trim, and take the same text however it was typed: "Vrouw" and "vrouw " are one value.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

fn finding(code: &'static str) -> Finding {
    Finding::new(code)
}

/// The largest quota or panel size accepted: far above any panel, far
/// below where sums could overflow.
pub const MAX_SEATS: u32 = 10_000;

/// CSV records with the file's line number of each (blank lines skipped);
/// `,`, `;` or a tab between fields, whichever the header line uses most.
fn records(text: &str) -> Result<Vec<(u64, Vec<String>)>, Finding> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = {
        let first = text.lines().next().unwrap_or("");
        [b',', b';', b'\t'].into_iter().max_by_key(|&d| first.matches(d as char).count()).unwrap_or(b',')
    };
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(finding("draw.csv_unreadable").with("line", line)),
        }
        // The file's line, blank lines counted (the reader's own count skips them).
        // The reader's position is where the previous record ended; blank
        // lines come before this one's first byte.
        let line = record.position().map_or(line, |p| {
            let bytes = text.as_bytes();
            let mut at = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                at += 1;
            }
            bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
        });
        // A quote left open swallows the lines after it into one field.
        if record.iter().any(|f| f.contains(['\n', '\r'])) {
            return Err(finding("draw.csv_quote").with("line", line));
        }
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        out.push((line, fields));
    }
    Ok(out)
}

impl Quotas {
    /// Read `feature,value,min,max` (a header line is required).
    pub fn parse(text: &str) -> Result<Quotas, Finding> {
        let rows = records(text)?;
        let Some(((_, header), rows)) = rows.split_first() else {
            return Err(finding("draw.quotas_empty"));
        };
        let want = ["feature", "value", "min", "max"];
        if header.len() < 4 || header.iter().take(4).map(|h| key(h)).ne(want.iter().map(|w| w.to_string())) {
            return Err(finding("draw.quotas_header"));
        }
        let mut features: Vec<Feature> = Vec::new();
        for (line, r) in rows {
            let get = |i: usize| r.get(i).map(String::as_str).unwrap_or("");
            let (f, v) = (get(0), get(1));
            if f.is_empty() || v.is_empty() {
                return Err(finding("draw.quota_incomplete").with("line", line));
            }
            let num = |s: &str| -> Result<u32, Finding> {
                if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                    match s.parse::<u32>() {
                        Ok(n) if n <= MAX_SEATS => return Ok(n),
                        _ => return Err(finding("draw.quota_too_large").with("line", line).with("max", MAX_SEATS)),
                    }
                }
                Err(finding("draw.quota_bad_number").with("line", line).with("number", s))
            };
            let (min, max) = (num(get(2))?, num(get(3))?);
            if min > max {
                return Err(finding("draw.quota_min_over_max").with("line", line).with("feature", f).with("value", v));
            }
            let fi = match features.iter().position(|x| key(&x.name) == key(f)) {
                Some(fi) => fi,
                None => {
                    features.push(Feature { name: f.to_string(), values: Vec::new() });
                    features.len() - 1
                }
            };
            let feature = &mut features[fi];
            if feature.values.iter().any(|q| key(&q.value) == key(v)) {
                return Err(finding("draw.quota_duplicate").with("line", line).with("feature", f).with("value", v));
            }
            feature.values.push(Quota { value: v.to_string(), min, max });
        }
        if features.is_empty() {
            return Err(finding("draw.quotas_empty"));
        }
        Ok(Quotas { features })
    }

    /// The quotas of every feature must be able to add up to the panel size.
    pub fn check_size(&self, size: u32) -> Result<(), Finding> {
        if size == 0 {
            return Err(finding("draw.size_zero"));
        }
        if size > MAX_SEATS {
            return Err(finding("draw.size_too_large").with("max", MAX_SEATS));
        }
        for f in &self.features {
            let min: u64 = f.values.iter().map(|q| u64::from(q.min)).sum();
            let max: u64 = f.values.iter().map(|q| u64::from(q.max)).sum();
            if min > u64::from(size) || max < u64::from(size) {
                return Err(finding("draw.quotas_cannot_add_up")
                    .with("feature", &f.name)
                    .with("min", min)
                    .with("max", max)
                    .with("size", size));
            }
        }
        Ok(())
    }
}

impl Pool {
    /// Read the respondents: a `code` column and one column per feature of
    /// the quotas, nothing else (names and addresses stay outside the app).
    pub fn parse(text: &str, quotas: &Quotas) -> Result<Pool, Finding> {
        let rows = records(text)?;
        let Some(((_, header), rows)) = rows.split_first() else {
            return Err(finding("draw.pool_empty"));
        };
        if header.first().map(|h| key(h)) != Some("code".into()) {
            return Err(finding("draw.pool_header_code"));
        }
        // Column index per feature.
        let mut column = vec![None; quotas.features.len()];
        for (c, h) in header.iter().enumerate().skip(1) {
            let Some(fi) = quotas.features.iter().position(|f| key(&f.name) == key(h)) else {
                return Err(finding("draw.pool_unknown_column").with("column", h));
            };
            if column[fi].is_some() {
                return Err(finding("draw.pool_duplicate_column").with("column", h));
            }
            column[fi] = Some(c);
        }
        let column: Vec<usize> = column
            .iter()
            .zip(&quotas.features)
            .map(|(c, f)| c.ok_or_else(|| finding("draw.pool_missing_feature").with("feature", &f.name)))
            .collect::<Result<_, _>>()?;
        let mut codes = Vec::new();
        let mut traits = Vec::new();
        let mut seen = BTreeMap::new();
        for (line, r) in rows {
            if r.len() > header.len() {
                return Err(finding("draw.pool_extra_field").with("line", line).with("columns", header.len()));
            }
            let code = r.first().cloned().unwrap_or_default();
            if code.is_empty() {
                return Err(finding("draw.pool_no_code").with("line", line));
            }
            if let Some(first) = seen.insert(key(&code), *line) {
                return Err(finding("draw.pool_duplicate_code")
                    .with("line", line)
                    .with("code", &code)
                    .with("first", first));
            }
            let mut t = Vec::with_capacity(column.len());
            for (f, &c) in quotas.features.iter().zip(&column) {
                let v = r.get(c).map(String::as_str).unwrap_or("");
                if v.is_empty() {
                    return Err(finding("draw.pool_missing_value")
                        .with("line", line)
                        .with("code", &code)
                        .with("feature", &f.name));
                }
                let Some(vi) = f.values.iter().position(|q| key(&q.value) == key(v)) else {
                    return Err(finding("draw.pool_unknown_value")
                        .with("line", line)
                        .with("code", &code)
                        .with("feature", &f.name)
                        .with("value", v));
                };
                t.push(vi);
            }
            codes.push(code);
            traits.push(t);
        }
        if codes.is_empty() {
            return Err(finding("draw.pool_empty"));
        }
        Ok(Pool { codes, traits })
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The types in a fixed order (by their values, not by the file's
    /// order), so the same pool in any order gives the same computation.
    pub fn types(&self) -> Types {
        let mut index: BTreeMap<&[usize], Vec<usize>> = BTreeMap::new();
        for (i, t) in self.traits.iter().enumerate() {
            index.entry(t.as_slice()).or_default().push(i);
        }
        let mut types = Types { traits: Vec::new(), members: Vec::new() };
        for (t, members) in index {
            types.traits.push(t.to_vec());
            types.members.push(members);
        }
        types
    }
}
