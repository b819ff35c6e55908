//! The one table of diagnostic codes. Numbers are never reused; names say what is flagged.
//!
//! The hundreds follow the stage: `01xx` loading and syntax, `02xx` resolving references,
//! `03xx` catalogue rules, `04xx` DSP profiles, `05xx` plan and delivery, `06xx` royalties.
//! `docs/diagnostics.md` is generated from this table and from `golden/check/`.

use super::Severity;

/// A stable diagnostic code with its documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// `E0302`; `W…` for codes that are warnings by default.
    pub code: &'static str,
    /// kebab-case name, says what is flagged.
    pub name: &'static str,
    pub severity: Severity,
    /// What the code flags and why it matters (markdown).
    pub summary: &'static str,
    /// How to fix it (markdown).
    pub fix: &'static str,
}

macro_rules! codes {
    ($( $ident:ident = $code:literal $name:literal $sev:ident { $summary:literal, $fix:literal } )*) => {
        $(
            pub const $ident: &Code = &Code {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                fix: $fix,
            };
        )*
        /// Every code, in code order.
        pub const ALL: &[&Code] = &[$($ident),*];
    };
}

codes! {
    UNREADABLE_FILE = "E0100" "unreadable-file" Error {
        "A catalogue file could not be read as UTF-8 text: it is binary, has invalid UTF-8, or is a directory or special file where a `.toml` file was expected.",
        "Save the file as UTF-8 text, or move non-catalogue files out of the catalogue folders."
    }
    TOML_SYNTAX = "E0101" "toml-syntax" Error {
        "The file is not valid TOML. Every syntax error in the file is reported, each at its position.",
        "Correct the TOML at the position shown; strings need quotes, tables need unique keys."
    }
    UNKNOWN_KEY = "E0102" "unknown-key" Error {
        "A key that Sleeve does not know. Unlike many tools, Sleeve refuses unknown keys: a misspelt `shar = \"50%\"` would otherwise silently drop a share.",
        "Correct the key name (a did-you-mean suggestion is given when one is close), or remove the key."
    }
    WRONG_TYPE = "E0103" "wrong-type" Error {
        "A value has the wrong TOML type, for example a number where a string is expected.",
        "Write the value with the type shown in the message; see `docs/language.md` for each key."
    }
    MISSING_KEY = "E0104" "missing-key" Error {
        "A required key is missing.",
        "Add the key; `docs/language.md` lists the required keys of each file kind."
    }
    FLOAT_NOT_EXACT = "E0105" "float-not-exact" Error {
        "A TOML float where money, a share or a rate is expected. Floats are binary approximations (`0.1 + 0.2 != 0.3`); Sleeve never lets money or shares pass through one.",
        "Write the value as a string: `\"12.50\"` for money, `\"33.3333%\"` or `\"1/3\"` for a share."
    }
    INVALID_VALUE = "E0106" "invalid-value" Error {
        "A value is not one of the values the key allows (a release `type`, a deal `models` entry, a contributor role …).",
        "Use one of the allowed values listed in the help line."
    }
    MISSING_LABEL_FILE = "E0107" "missing-label-file" Error {
        "The catalogue has no `sleeve.toml` at its root, so there is no label to deliver or account for.",
        "Run `sleeve check` on the catalogue's root folder, or create `sleeve.toml` (`sleeve init` writes one)."
    }
    INVALID_ID = "E0108" "invalid-id" Error {
        "An id (taken from a file name, or a key naming an imprint, client or territory group) is not lowercase kebab-case. Ids appear in references, state and statements, so they are kept to `a-z`, `0-9` and `-`.",
        "Rename the file or key to lowercase letters, digits and hyphens, for example `midnight-lines`."
    }
    UNRECOGNISED_FILE = "W0109" "unrecognised-file" Warning {
        "A `.toml` file in a folder Sleeve does not read, so its content is ignored.",
        "Move the file into `parties/`, `recordings/`, `releases/`, `contracts/` or `dsps/`, or rename it so it does not end in `.toml`."
    }
    CONFLICTING_KEYS = "E0110" "conflicting-keys" Error {
        "Two keys that exclude each other are both given, for example a release with both `imprint` and `client`, or both `tracks` and `[[disc]]`.",
        "Keep one of the two keys."
    }
    INVALID_DECIMAL = "E0111" "invalid-decimal" Error {
        "A money amount, share or rate that is not an exact decimal (`\"12.50\"`), a percentage (`\"50%\"`) or a fraction (`\"1/3\"`).",
        "Write the value as a quoted decimal, percentage or fraction."
    }
    INVALID_DURATION = "E0112" "invalid-duration" Error {
        "A duration that is neither ISO 8601 (`\"PT3M41S\"`) nor `\"m:ss\"` / `\"h:mm:ss\"`.",
        "Write the duration as `\"3:41\"` or `\"PT3M41S\"`."
    }
    INVALID_COPYRIGHT_LINE = "E0113" "invalid-copyright-line" Error {
        "A P-line or C-line that does not start with a four-digit year. DDEX sends the year and the owner separately.",
        "Write the line as `\"2025 Owner Name\"` (a leading `℗`, `©`, `(P)` or `(C)` is allowed)."
    }
    INVALID_CHARACTER = "E0114" "invalid-character" Error {
        "A text value holds a control character (other than tab and newline) or a non-character such as U+FFFF. XML cannot carry it, so every message with this value would be rejected.",
        "Remove the character; it usually comes from copying text out of another program."
    }
    DUPLICATE_ID = "E0201" "duplicate-id" Error {
        "Two files of the same kind have the same id (file name), in different folders.",
        "Rename one of the files; ids must be unique per kind."
    }
    UNKNOWN_PARTY = "E0202" "unknown-party" Error {
        "A reference to a party (artist, writer, payee) that has no file in `parties/`.",
        "Correct the reference (a suggestion is given when one is close), or add `parties/<id>.toml`."
    }
    UNKNOWN_RECORDING = "E0203" "unknown-recording" Error {
        "A tracklist entry names a recording by id or ISRC that is not in `recordings/`.",
        "Correct the id or ISRC, or add the recording's file."
    }
    UNKNOWN_RELEASE = "E0204" "unknown-release" Error {
        "A reference (for example in a contract) to a release that is not in `releases/`.",
        "Correct the release id, or add the release's file."
    }
    UNKNOWN_IMPRINT = "E0205" "unknown-imprint" Error {
        "A release names an imprint that `sleeve.toml` does not declare under `[imprints]`.",
        "Correct the name, or declare the imprint in `sleeve.toml`."
    }
    UNKNOWN_CLIENT = "E0206" "unknown-client" Error {
        "A release names a white-label client that `sleeve.toml` does not declare under `[clients]`.",
        "Correct the name, or declare the client in `sleeve.toml`."
    }
    UNKNOWN_DSP = "E0207" "unknown-dsp" Error {
        "A deal names a DSP that has no profile in `dsps/`.",
        "Correct the DSP id, or add `dsps/<id>.toml`."
    }
    UNKNOWN_TERRITORY = "E0208" "unknown-territory" Error {
        "A territory that is neither an ISO 3166-1 alpha-2 code, `Worldwide`, nor a territory group declared in `sleeve.toml`. `UK` is not a code: the United Kingdom is `GB`.",
        "Use the ISO 3166-1 alpha-2 code (uppercase), `Worldwide`, or a declared group name."
    }
    UNKNOWN_CONTRACT = "E0209" "unknown-contract" Error {
        "A reference to a contract that is not in `contracts/`.",
        "Correct the contract id, or add the contract's file."
    }
    DUPLICATE_ISRC = "E0210" "duplicate-isrc" Error {
        "Two recordings have the same ISRC. An ISRC identifies exactly one recording; a new mix or edit needs its own.",
        "Give one of the recordings its own ISRC, or, if they are the same recording, keep one file and reference it from both releases."
    }
    DUPLICATE_UPC = "E0211" "duplicate-upc" Error {
        "Two releases have the same UPC/EAN (compared on the 14-digit GTIN form, so `036000291452` and `0036000291452` are the same product).",
        "Give each release its own UPC."
    }
    PARTY_NOT_PAYEE = "E0212" "party-not-payee" Error {
        "A split, contract or client names a party as payee, but the party has no `[payee]` table, so there is no currency or payout threshold for its statements.",
        "Add a `[payee]` table with `currency` to the party's file."
    }
    UNUSED_PARTY = "W0213" "unused-party" Warning {
        "A party that no recording, release, split, contract or client refers to.",
        "Reference the party, or delete its file."
    }
    INVALID_ISRC = "E0301" "invalid-isrc" Error {
        "An ISRC that does not have the shape `CC XXX YY NNNNN` (country, registrant, year, designation; 12 characters once hyphens are dropped).",
        "Copy the ISRC from the registrant's allocation; hyphens and spaces are fine, the shape is not negotiable."
    }
    SPLIT_SHARES_NOT_100 = "E0302" "split-shares-not-100" Error {
        "The shares of a split rule do not add up to exactly 100 %, so some income would belong to nobody (or to more than everybody). Sums are exact: `\"33.33%\"` three times is 99.99 %, use `\"1/3\"`.",
        "Adjust the shares so they add up to 100 %; the message says by how much they are off."
    }
    INVALID_UPC = "E0303" "invalid-upc" Error {
        "A UPC/EAN (DDEX ICPN) that is not 12, 13 or 14 digits or whose check digit is wrong; DSPs reject such a release.",
        "Copy the code from the barcode registration; the message shows the expected check digit."
    }
    INVALID_ISWC = "E0304" "invalid-iswc" Error {
        "An ISWC that is not `T` + 9 digits + check digit, or whose check digit is wrong.",
        "Copy the ISWC from the publisher or society registration."
    }
    INVALID_ISNI = "E0305" "invalid-isni" Error {
        "An ISNI that is not 16 characters or fails its ISO 7064 MOD 11-2 check character.",
        "Copy the ISNI from isni.org; the last character may be `X`."
    }
    INVALID_PARTY_ID = "E0306" "invalid-party-id" Error {
        "A DDEX party id (DPID) that is not `PADPIDA` + 10 characters + check character, or fails its ISO 7064 MOD 37,36 check.",
        "Copy the DPID from the DDEX party registration (hyphens are allowed on input)."
    }
    INVALID_GRID = "E0307" "invalid-grid" Error {
        "A GRid that is not `A1` + 5-character issuer + 10-character number + check character, or fails its MOD 37,36 check.",
        "Copy the GRid from the issuer, or remove `grid` (it is optional)."
    }
    INVALID_IPI = "W0308" "invalid-ipi" Warning {
        "An IPI name number that is not 11 digits or whose check digits disagree with the algorithm used by CWR software. The algorithm is not public, so this is a warning.",
        "Check the IPI against the society's record."
    }
    INVALID_LANGUAGE = "E0309" "invalid-language" Error {
        "A language that is not a BCP 47 tag built from ISO 639 (`en`, `haw`), an optional ISO 15924 script (`ja-Latn`) and an optional region (`pt-BR`). `zxx` means no linguistic content (instrumental).",
        "Use an ISO 639 code such as `en`, or `zxx` for instrumentals."
    }
    INVALID_CURRENCY = "E0310" "invalid-currency" Error {
        "A currency that is not an active ISO 4217 code.",
        "Use the three-letter ISO 4217 code in capitals, such as `GBP`, `EUR` or `USD`."
    }
    DEAL_ENDS_BEFORE_START = "E0311" "deal-ends-before-start" Error {
        "A deal's `end` is before its `start`, so it would never be live. Both dates are inclusive.",
        "Correct the dates; to take a release down, set `end` on or after `start`."
    }
    ORIGINAL_RELEASE_AFTER_RELEASE = "E0312" "original-release-after-release" Error {
        "A release's `original-release-date` is after its `release-date`; DSPs reject it.",
        "Correct one of the dates: the original release date is the first ever release, so it cannot be later."
    }
    EMPTY_TRACKLIST = "E0313" "empty-tracklist" Error {
        "A release or disc has no tracks.",
        "List the release's recordings under `tracks`, or remove the empty disc."
    }
    DUPLICATE_TRACK = "W0314" "duplicate-track" Warning {
        "The same recording appears twice in one release's tracklist, which is almost always a copy-paste mistake.",
        "Remove the repeated entry, or reference the other recording you meant."
    }
    CONFLICTING_DEALS = "E0315" "conflicting-deals" Error {
        "Two deals of one release cover the same DSP, territory, commercial model and use type on overlapping dates. DSPs reject overlapping availability (`ConflictingAvailabilityPeriods`).",
        "Narrow one deal's territories or dates, or merge the two deals."
    }
    MISSING_ASSET = "E0316" "missing-asset" Error {
        "An audio or artwork file named by the catalogue does not exist. Paths are relative to the file that names them.",
        "Correct the path, or add the file."
    }
    DEAL_OUTSIDE_RIGHTS = "E0317" "deal-outside-rights" Error {
        "A deal offers a recording in a territory or on a date where the label does not hold the master rights (the recording's `[rights]`).",
        "Narrow the deal's territories or dates, or widen the recording's rights if the licence allows it."
    }
    SHARE_OUT_OF_RANGE = "E0318" "share-out-of-range" Error {
        "A share, rate or fee below 0 % or above 100 %.",
        "Write a value between `\"0%\"` and `\"100%\"`."
    }
    OVERLAPPING_SPLIT_RULES = "E0319" "overlapping-split-rules" Error {
        "Two territory-group split rules of one recording cover the same territory, so it is ambiguous which applies there. A rule for a single territory code always overrides a group rule; two groups cannot both apply.",
        "Add a rule for the territories in common, or make the groups disjoint."
    }
    AMOUNT_PRECISION = "E0320" "amount-precision" Error {
        "A money amount with more decimal places than its currency has minor units (GBP 2, JPY 0, KWD 3).",
        "Round the amount to the currency's minor unit."
    }
    OVERLAPPING_CONTRACTS = "E0321" "overlapping-contracts" Error {
        "Two contracts of the same payee cover the same recording on overlapping dates, so the royalty rate is ambiguous.",
        "End one contract before the other starts, or narrow what each covers."
    }
    NO_CONTRACT = "W0322" "no-contract" Warning {
        "A split names a payee that has no contract covering the recording, so its royalties cannot be computed and will go to suspense.",
        "Add a contract for the payee that covers the recording or its release."
    }
    CONTRACT_ENDS_BEFORE_START = "E0323" "contract-ends-before-start" Error {
        "A contract's term ends before it starts.",
        "Correct the `start` or `end` date."
    }
    TRACK_COUNT_FOR_TYPE = "W0324" "track-count-for-type" Warning {
        "The number of tracks does not fit the release type as DSPs define it: a single has 1–3 tracks, an EP 2–6, an album or compilation usually 5 or more.",
        "Change the release `type`, or check the tracklist."
    }
    EMPTY_LIST = "E0325" "empty-list" Error {
        "A list that must name at least one thing is empty, for example a deal with `dsps = []`, so the entry does nothing.",
        "Add at least one value, or remove the entry."
    }
    SPLIT_MISSING_TERRITORY = "E0326" "split-missing-territory" Error {
        "A recording is offered by a deal in territories that none of its split rules covers, so income there would belong to nobody.",
        "Add a `default` split rule, or rules for the territories listed."
    }
    PRE_ORDER_NOT_BEFORE_START = "E0327" "pre-order-not-before-start" Error {
        "A deal's `pre-order` date is on or after its `start`, so there is no pre-order window.",
        "Set `pre-order` to a date before `start` (the street date), or remove it."
    }
    DUPLICATE_FX_RATE = "E0328" "duplicate-fx-rate" Error {
        "`royalties.toml` gives two exchange rates for the same currency pair and statement period. A royalty run must convert with exactly one declared rate.",
        "Keep one `[[fx]]` entry per `from`, `to` and `period`."
    }
    INVALID_PERIOD = "E0329" "invalid-period" Error {
        "A statement period is not written as `YYYY-Qn` (quarter) or `YYYY-Hn` (half-year).",
        "Write the period such as `2025-Q2` or `2025-H1`."
    }
    NO_CONTRACT_IN_FORCE = "W0330" "no-contract-in-force" Warning {
        "A release offers a recording (a deal, with its pre-order window) in months on whose first day none of a split payee's contracts covering it is in force, where a split rule naming the payee applies. The royalty run pays a sale under the contract in force on the first day of the month (or period) it is reported for, so those sales would go to suspense.",
        "Start the contract on the 1st of the first month named or earlier (or end it later), start or end the deals with the contract, or add a contract for those months."
    }
    CHANNEL_NOT_PAID = "W0331" "channel-not-paid" Warning {
        "A contract gives its payee no rate for a sales channel (stream, download) in territories where a release sells a recording the contract covers through that channel (read from the deal's commercial models and use types; free of charge is not judged), while the contract is in force. A channel left out of `[rates.default]` and of every rule covering a territory is paid at nothing there, so the payee would silently earn nothing on those sales.",
        "Add the channel's rate to `[rates.default]` (or to a territory or group rule), or write it as `\"0%\"` if the payee is not paid for it."
    }
    UNREADABLE_MEDIA = "E0402" "unreadable-media" Error {
        "An audio or artwork file exists but is not what it claims to be: truncated, empty, mislabelled (an MP3 named `.flac`), or in a format DSPs do not take. Sleeve reads the file itself, not its name.",
        "Re-export the file from the master (FLAC or WAV for audio, JPEG or PNG for artwork) and replace it."
    }
    ARTWORK_TOO_SMALL = "W0403" "artwork-too-small" Warning {
        "Cover art smaller than 3000×3000 pixels. Apple Music and others reject it.",
        "Supply artwork of at least 3000×3000 pixels."
    }
    ARTWORK_NOT_SQUARE = "W0404" "artwork-not-square" Warning {
        "Cover art that is not square; DSPs require a 1:1 image.",
        "Crop or re-export the artwork as a square."
    }
    ARTWORK_COLOR = "W0405" "artwork-color" Warning {
        "Cover art that is not RGB (CMYK, greyscale or indexed colour) or has transparency; DSPs expect RGB JPEG or PNG.",
        "Convert the artwork to RGB, without an alpha channel."
    }
    AUDIO_QUALITY = "W0406" "audio-quality" Warning {
        "Audio that is not 16- or 24-bit, or sampled below 44.1 kHz, which DSPs reject as below CD quality.",
        "Deliver the 16- or 24-bit master at 44.1 kHz or more."
    }
    DURATION_MISMATCH = "W0407" "duration-mismatch" Warning {
        "The audio file's length differs from the recording's `duration` by more than a second: the wrong file, or the wrong metadata.",
        "Check that `audio` names the right file, and correct `duration` to the file's length."
    }
    FEATURING_IN_TITLE = "W0408" "featuring-in-title" Warning {
        "`feat.`, `ft.` or `featuring` typed into a title. DSPs reject it: featured artists belong in `featuring`, from which Sleeve builds the display artist.",
        "Remove the featured artist from the title and list them in `featuring`."
    }
    TITLE_STYLE = "W0409" "title-style" Warning {
        "A title in capitals, or a generic placeholder such as `Track 1` or `Untitled`, which DSP style guides reject.",
        "Write the real title in title case."
    }
    MISSING_EXPLICIT_FLAG = "W0410" "missing-explicit-flag" Warning {
        "A recording without `explicit = true` or `false`. DSPs require the parental advisory flag; without it the message says `Unknown`.",
        "Add `explicit = false` (or `true`) to the recording."
    }
    MISSING_COPYRIGHT_LINE = "W0411" "missing-copyright-line" Warning {
        "A release with no P-line or C-line and no copyright owner to derive one from (`copyright-owner` of the label, imprint or client).",
        "Add `p-line` and `c-line` to the release, or `copyright-owner` to the label, imprint or client."
    }
    RELEASE_DATE_PAST = "W0412" "release-date-past" Warning {
        "A release is about to be delivered for the first time, but its `release-date` is already past and it has no `original-release-date`: DSPs will list it as released on that date, below newer releases. Reported by `plan` (only the delivered state knows a release is new).",
        "Move `release-date` to the day it should go live, or, for a catalogue release that came out before, set `original-release-date`."
    }
    SECRET_IN_CATALOGUE = "E0401" "secret-in-catalogue" Error {
        "A password or private key written into a DSP profile. Catalogue files live in git; secrets must come from environment variables.",
        "Remove the secret and name an environment variable instead (`password-env = \"SLEEVE_SFTP_PASSWORD\"`)."
    }
    NOT_A_REPOSITORY = "E0501" "not-a-repository" Error {
        "The catalogue is not inside a git repository, where the delivered state is kept.",
        "Run `git init` in the catalogue, or point at a catalogue inside a repository."
    }
    STATE_CORRUPT = "E0502" "state-corrupt" Error {
        "The state ref does not point at a commit with a readable `meta.json` and deliveries: it was edited by hand or damaged.",
        "Inspect it with `git log refs/sleeve/state/...` and reset it to a good commit with `git update-ref`."
    }
    STALE_PLAN = "E0503" "stale-plan" Error {
        "A saved plan was made against another state (lineage or serial) or another catalogue than the current one, so it may no longer say what would happen.",
        "Run `sleeve plan` again and review the new plan."
    }
    STATE_MOVED = "E0504" "state-moved" Error {
        "Another apply wrote the state while this one ran (the compare-and-swap failed).",
        "Run `sleeve plan` again: the delivered state changed."
    }
    GIT_FAILED = "E0505" "git-failed" Error {
        "The git repository could not be read or written.",
        "Check the repository with `git status` and `git fsck`."
    }
    WRITE_FAILED = "E0506" "write-failed" Error {
        "An output file or folder (`build --out`, `plan --out`, `init`) could not be written, or is one Sleeve must not replace.",
        "Choose a writable output path that is not the catalogue itself."
    }
    STATE_LOCKED = "E0507" "state-locked" Error {
        "Another apply holds the lock on this catalogue's state; the message names the holder and since when.",
        "Wait for it to finish; if it died, run `sleeve force-unlock`."
    }
    PLAN_UNREADABLE = "E0508" "plan-unreadable" Error {
        "The saved plan file cannot be read or is not a plan.",
        "Make a new one with `sleeve plan --out plan.json`."
    }
    NOT_CONFIRMED = "E0509" "not-confirmed" Error {
        "`apply` without a saved plan needs a confirmation: `--yes`, or an answer in a terminal.",
        "Pass `--yes` in CI, or run `sleeve apply` in a terminal."
    }
    DSP_GONE = "E0510" "dsp-gone" Error {
        "The plan names a DSP that has no profile any more.",
        "Run `sleeve plan` again."
    }
    TRANSPORT_UNAVAILABLE = "E0511" "transport-unavailable" Error {
        "A DSP profile's transport cannot be used: an environment variable it names is not set, or its settings are incomplete.",
        "Set the environment variable, or correct the profile's `[transport]`."
    }
    DELIVERY_FAILED = "E0512" "delivery-failed" Error {
        "A file could not be delivered: the host is unreachable, its key is unknown or changed, the credentials are wrong, or the server refused the file. What was delivered is recorded.",
        "Fix the cause and run `sleeve apply` again: it resumes where it stopped."
    }
    PERIOD_REFUSED = "E0601" "period-refused" Error {
        "`sleeve royalties` cannot account this period: it is not written like the label's `statement-period` (quarters or halves), it is already in the ledger, or it comes before the ledger's last period. Closed statements are never rewritten.",
        "Run the next period, or give `--replace` to account the ledger's last period again (it is reversed and re-posted)."
    }
    REPORT_UNREADABLE = "E0602" "report-unreadable" Error {
        "A sales report could not be read: the file is missing, a gzip stream is truncated, the file is neither a DDEX DSR flat file nor a CSV matching a format in `royalties.toml`, or a CSV lacks a mapped column.",
        "Check the path and the file; for CSV reports, add or correct a `[formats.<id>]` table in `royalties.toml` whose `files` pattern matches the file name."
    }
    REPORT_DUPLICATE = "E0603" "report-duplicate" Error {
        "The same report (same content hash, or for DSR files the same sender, `MessageId` and file number) was given twice, or it was already accounted in an earlier run. Accounting it again would pay its income twice.",
        "Remove the duplicate from `--reports`; to account a period again, use `--replace`."
    }
    REPORT_LINE_REJECTED = "W0604" "report-line-rejected" Warning {
        "A report line could not be accounted: a wrong number of cells, a non-numeric or negative count, an unknown currency or territory, a usage line pointing at a missing summary. The line never vanishes: its amount (when it can be read) is booked as `rejected` and the line is written to `rejects.tsv` with the reason.",
        "Ask the service for a corrected report, or fix the CSV format mapping; then re-run the period with `--replace`."
    }
    REPORT_COUNTS_MISMATCH = "W0605" "report-counts-mismatch" Warning {
        "A DSR file's `FOOT` record disagrees with the lines, summaries or blocks actually in the file (a truncated or edited file), or a summary's `Usages` differs from the sum of its usage lines.",
        "Ask the service for the complete file; check the file was not cut during transfer."
    }
    MISSING_FX_RATE = "E0606" "missing-fx-rate" Error {
        "Income in one currency must be paid in another (a payee's or the label's currency), but `royalties.toml` has no exchange rate for that pair and period.",
        "Add an `[[fx]]` entry with `from`, `to`, `period` and `rate` to `royalties.toml`."
    }
    MONEY_NOT_CONSERVED = "E0607" "money-not-conserved" Error {
        "The run's own proof failed: for some currency the buckets (payees, label, fees, suspense, rejected) do not add up to the gross reported, or a payee's ledger does not balance. Nothing was written. This is a bug in Sleeve.",
        "Report the bug with the command and the reports; nothing was recorded."
    }
    LEDGER_FAILED = "E0608" "ledger-failed" Error {
        "The royalty ledger in the catalogue's git repository could not be read or written, or it is not in the format this version writes.",
        "Check the repository (`git fsck`); a hand-edited ledger ref can be restored from the reflog (`git reflog refs/sleeve/ledger/...`)."
    }
    INDIRECT_REVENUE = "W0609" "indirect-revenue" Warning {
        "A DSR summary carries `IndirectNetRevenue`. Sleeve allocates only the summary's payable pool; indirect revenue needs a contractual policy and is not distributed.",
        "Check the service's licence; if indirect revenue is payable, ask the service to include it in the pool."
    }
    UNKNOWN_PAYEE = "E0610" "unknown-payee" Error {
        "`sleeve trace` or `sleeve royalties` was given a payee or identifier the catalogue does not know.",
        "Use a party id with a `[payee]` table (as in `parties/<id>.toml`) and a valid ISRC."
    }
}

/// Look a code up by its code (`E0302`) or name (`split-shares-not-100`), case-insensitively.
pub fn find(query: &str) -> Option<&'static Code> {
    ALL.iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(query) || c.name.eq_ignore_ascii_case(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(seen.insert(c.name), "duplicate name {}", c.name);
            let prefix = if c.severity == Severity::Error {
                'E'
            } else {
                'W'
            };
            assert!(c.code.starts_with(prefix), "{} severity/prefix", c.code);
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
            );
        }
    }
}
