//! `sleeve init`'s files: the smallest catalogue that checks clean and plans a delivery, plus
//! the repository files a label needs around it (CI workflow, pre-commit hook, `.gitignore`).
//!
//! Pure: the caller passes the label name and today's date, and writes the files.

use crate::import::write::q;
use crate::model::date::Date;
use crate::model::ident::upc_check_digit;
use crate::placeholder;

/// One file to write: its root-relative path (`/` separators) and its bytes.
pub struct ScaffoldFile {
    pub path: &'static str,
    pub bytes: Vec<u8>,
}

/// Lines `init` puts in `.gitignore` (appended to an existing one when missing).
pub const GITIGNORE_LINES: &[&str] = &["/out/", "/statements/"];

/// How long the placeholder recording is, in seconds.
const SECONDS: u32 = 180;

/// The schema directive of a file kind. The schemas live in Sleeve's repository, not in the
/// label's, so the directive names them by their `$id` (as `sleeve import` does).
fn schema(kind: &str) -> String {
    format!("#:schema https://sleeve.example/schemas/{kind}.schema.json\n")
}

/// A label name from a folder name: `nightjar-records` → `Nightjar Records`.
pub fn name_from_folder(folder: &str) -> String {
    let words: Vec<String> = folder
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    if words.is_empty() {
        "My Label".to_string()
    } else {
        words.join(" ")
    }
}

/// Every file of a new catalogue for the label `name`, dated from `today`.
pub fn files(name: &str, today: Date) -> Vec<ScaffoldFile> {
    let name_q = q(name);
    let year = today.year;
    // Eight weeks ahead: DSPs ask for deliveries weeks before the release date, and a first
    // delivery of a past date is flagged by `plan`.
    let release_date = Date::from_days(today.days() + 56);
    let upc = {
        let payload = "08400000001";
        format!("{payload}{}", upc_check_digit(payload).unwrap_or(0))
    };
    let isrc = format!("ZZ-XXX-{:02}-00001", year.rem_euclid(100));
    let text = |path: &'static str, s: String| ScaffoldFile {
        path,
        bytes: s.into_bytes(),
    };
    vec![
        text(
            "sleeve.toml",
            format!(
                "{}# The label that owns this catalogue and sends every DDEX message.\n\
                 # Values marked `# ←` are placeholders: replace them before the first delivery.\n\
                 [label]\n\
                 name = {name_q}\n\
                 party-id = \"PADPIDA2099010101X\"   # ← your DDEX Party ID (DPID)\n\
                 currency = \"GBP\"                  # the currency the label accounts in\n\
                 copyright-owner = {name_q}\n",
                schema("label")
            ),
        ),
        text(
            "parties/example-artist.toml",
            format!(
                "{}# An artist, and the payee their royalties go to. The file name is the id.\n\
                 name = \"Example Artist\"   # ←\n\
                 kind = \"person\"\n\
                 \n\
                 [payee]\n\
                 currency = \"GBP\"\n\
                 minimum-payout = \"50.00\"\n\
                 email = \"artist@example.com\"   # ←\n",
                schema("party")
            ),
        ),
        text(
            "recordings/first-light.toml",
            format!(
                "{}# A sound recording (master). `audio` is a placeholder of silence: put the\n\
                 # real master in its place, and set `duration` to its length.\n\
                 isrc = \"{isrc}\"   # ← an ISRC from your registrant code\n\
                 title = \"First Light\"\n\
                 artist = \"example-artist\"\n\
                 duration = \"3:00\"\n\
                 genre = \"Electronic\"\n\
                 language = \"zxx\"\n\
                 explicit = false\n\
                 p-line = {}\n\
                 audio = \"../assets/audio/first-light.flac\"\n\
                 \n\
                 [credits]\n\
                 example-artist = [\"Composer\", \"StudioProducer\"]\n\
                 \n\
                 # Who is paid what share of this recording's income.\n\
                 [splits.default]\n\
                 example-artist = \"100%\"\n",
                schema("recording"),
                q(&format!("{year} {name}"))
            ),
        ),
        text(
            "releases/first-light.toml",
            format!(
                "{}# A release: its tracklist and where it may be sold. `artwork` is a placeholder\n\
                 # gradient: put the real 3000×3000 RGB cover in its place.\n\
                 upc = \"{upc}\"   # ← a UPC/EAN you own\n\
                 title = \"First Light\"\n\
                 type = \"single\"\n\
                 artist = \"example-artist\"\n\
                 release-date = {release_date}\n\
                 genre = \"Electronic\"\n\
                 artwork = \"../assets/artwork/first-light.png\"\n\
                 tracks = [\n  \"first-light\",\n]\n\
                 \n\
                 [[deal]]\n\
                 dsps = \"all\"\n\
                 territories = \"Worldwide\"\n\
                 models = [\"subscription\", \"ad-supported\"]\n",
                schema("release")
            ),
        ),
        text(
            "contracts/example-artist.toml",
            format!(
                "{}# The artist's royalty contract: their share of net receipts.\n\
                 payee = \"example-artist\"\n\
                 start = {today}\n\
                 \n\
                 [rates.default]\n\
                 stream = \"50%\"\n\
                 download = \"50%\"\n",
                schema("contract")
            ),
        ),
        text(
            "dsps/example-dsp.toml",
            format!(
                "{}# A DSP the label delivers to. The folder transport writes packages under\n\
                 # `out/deliveries/`; for a real DSP, use `type = \"sftp\"` (see Sleeve's\n\
                 # docs/delivery.md) and the DSP's own DPID.\n\
                 name = \"Example DSP\"   # ←\n\
                 party-id = \"PADPIDA3897722461G\"   # ← the DSP's DPID\n\
                 ern = \"4.3\"\n\
                 delivery = \"release-by-release\"\n\
                 \n\
                 [transport]\n\
                 type = \"folder\"\n\
                 path = \"out/deliveries/example-dsp\"\n",
                schema("dsp")
            ),
        ),
        ScaffoldFile {
            path: "assets/audio/first-light.flac",
            bytes: placeholder::silent_flac(SECONDS),
        },
        ScaffoldFile {
            path: "assets/artwork/first-light.png",
            bytes: placeholder::gradient_png(3000, [24, 28, 58], [222, 132, 84]),
        },
        text(
            ".gitignore",
            format!(
                "# Build output and the folder transport's deliveries (out/deliveries/).\n{}\n",
                GITIGNORE_LINES.join("\n")
            ),
        ),
        text(".github/workflows/sleeve.yml", WORKFLOW.to_string()),
        text(".pre-commit-config.yaml", PRE_COMMIT.to_string()),
    ]
}

/// CI: check and plan on pull requests, deliver on pushes to `main`. The delivered state
/// lives under `refs/sleeve/`, which `actions/checkout` does not fetch: the jobs fetch it, and
/// the apply job pushes it back.
const WORKFLOW: &str = r#"# Sleeve: check every pull request, show its delivery plan, deliver what lands on main.
name: sleeve

on:
  pull_request:
  push:
    branches: [main]

env:
  # Where to install Sleeve from: set the repository variable SLEEVE_GIT_URL
  # (Settings → Secrets and variables → Actions → Variables) to Sleeve's git URL.
  SLEEVE_GIT_URL: ${{ vars.SLEEVE_GIT_URL }}

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Fetch the delivered state
        run: git fetch origin '+refs/sleeve/*:refs/sleeve/*'
      - uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/sleeve
          key: sleeve-${{ runner.os }}-${{ vars.SLEEVE_GIT_URL }}
      - name: Install Sleeve
        run: command -v sleeve || cargo install --locked --git "$SLEEVE_GIT_URL" sleeve
      - name: Check (annotates the pull request)
        run: sleeve check --format github
      - name: Plan (shown in the job summary)
        run: sleeve plan --format markdown >> "$GITHUB_STEP_SUMMARY"

  apply:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    # One delivery at a time; Sleeve's lock refuses a second one anyway.
    concurrency: sleeve-apply
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - name: Fetch the delivered state
        run: git fetch origin '+refs/sleeve/*:refs/sleeve/*'
      - uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/sleeve
          key: sleeve-${{ runner.os }}-${{ vars.SLEEVE_GIT_URL }}
      - name: Install Sleeve
        run: command -v sleeve || cargo install --locked --git "$SLEEVE_GIT_URL" sleeve
      - name: Deliver
        # SFTP credentials come from secrets named in the DSP profiles (`key-env`,
        # `password-env`), e.g. `env: { SPOTIFY_KEY: ${{ secrets.SPOTIFY_KEY }} }`.
        run: sleeve apply --yes
      - name: Record the delivered state
        # Also after a failed apply: what was delivered is recorded, and must not be lost.
        if: always()
        run: |
          if git for-each-ref --count=1 refs/sleeve/state | grep -q .; then
            git push origin 'refs/sleeve/state/*:refs/sleeve/state/*'
          fi
"#;

/// A local pre-commit hook: `sleeve check` before every commit that touches the catalogue.
const PRE_COMMIT: &str = r#"# pre-commit (https://pre-commit.com): `pre-commit install`, then every commit that touches
# the catalogue or its media runs `sleeve check` first.
repos:
  - repo: local
    hooks:
      - id: sleeve-check
        name: sleeve check
        entry: sleeve check
        language: system
        pass_filenames: false
        files: '\.(toml|flac|wav|jpe?g|png)$'
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_folder_names() {
        assert_eq!(name_from_folder("nightjar-records"), "Nightjar Records");
        assert_eq!(name_from_folder("low_tide"), "Low Tide");
        assert_eq!(name_from_folder("--"), "My Label");
    }
}
