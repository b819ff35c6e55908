//! ISO code tables: territories (ISO 3166-1 alpha-2), languages (a BCP 47 subset over
//! ISO 639, ISO 15924 and ISO 3166-1 / UN M49) and currencies (ISO 4217 with minor units).
//!
//! The tables at the end of this file were generated from the JSON files of the Debian
//! package `iso-codes` 4.15.0 (`/usr/share/iso-codes/json/`); each table's comment says
//! which field of which file, and what was added or removed by hand.

/// Index of `code` (an uppercase alpha-2 code, or `XK`) in [`TERRITORIES`].
pub fn territory_index(code: &str) -> Option<u8> {
    TERRITORIES
        .binary_search(&code)
        .ok()
        .and_then(|i| u8::try_from(i).ok())
}

/// The code at `idx` in [`TERRITORIES`].
pub fn territory_code(idx: u8) -> Option<&'static str> {
    TERRITORIES.get(usize::from(idx)).copied()
}

/// The right code for a common wrong territory code: `UK` → `GB`, `EL` → `GR`.
pub fn territory_alias(code: &str) -> Option<&'static str> {
    match code {
        "UK" => Some("GB"),
        "EL" => Some("GR"),
        _ => None,
    }
}

/// A set of territories: one bit per index of [`TERRITORIES`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug, PartialOrd, Ord)]
pub struct TerritorySet([u64; 4]);

impl TerritorySet {
    /// The empty set.
    pub const fn new() -> Self {
        TerritorySet([0; 4])
    }

    /// Every territory of [`TERRITORIES`] (DDEX `Worldwide`).
    pub const fn all() -> Self {
        // Computed at compile time: the low `TERRITORIES.len()` bits.
        let n = TERRITORIES.len();
        let mut words = [0u64; 4];
        let mut w = 0;
        while w < 4 {
            let lo = w * 64;
            words[w] = if n >= lo + 64 {
                u64::MAX
            } else if n > lo {
                (1u64 << (n - lo)) - 1
            } else {
                0
            };
            w += 1;
        }
        TerritorySet(words)
    }

    /// Add the territory at `idx`.
    pub fn insert(&mut self, idx: u8) {
        let i = usize::from(idx);
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    /// Remove the territory at `idx`.
    pub fn remove(&mut self, idx: u8) {
        let i = usize::from(idx);
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1u64 << (i % 64));
        }
    }

    /// Add a territory by code; false if `code` is not in [`TERRITORIES`].
    pub fn insert_code(&mut self, code: &str) -> bool {
        match territory_index(code) {
            Some(i) => {
                self.insert(i);
                true
            }
            None => false,
        }
    }

    /// Whether the territory at `idx` is in the set.
    pub fn contains(&self, idx: u8) -> bool {
        let i = usize::from(idx);
        self.0
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Whether the territory `code` is in the set.
    pub fn contains_code(&self, code: &str) -> bool {
        territory_index(code).is_some_and(|i| self.contains(i))
    }

    fn zip(self, other: Self, f: impl Fn(u64, u64) -> u64) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = other.0;
        TerritorySet([f(a0, b0), f(a1, b1), f(a2, b2), f(a3, b3)])
    }

    /// Territories in either set.
    pub fn union(self, other: Self) -> Self {
        self.zip(other, |a, b| a | b)
    }

    /// Territories in both sets.
    pub fn intersection(self, other: Self) -> Self {
        self.zip(other, |a, b| a & b)
    }

    /// Territories in `self` but not in `other`.
    pub fn difference(self, other: Self) -> Self {
        self.zip(other, |a, b| a & !b)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Whether every territory of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(*other).is_empty()
    }

    /// Number of territories in the set.
    pub fn len(&self) -> usize {
        self.0
            .iter()
            .map(|w| usize::try_from(w.count_ones()).unwrap_or(0))
            .sum()
    }

    /// The codes in the set, in [`TERRITORIES`] (sorted) order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.indices().filter_map(territory_code)
    }

    /// The indices of [`TERRITORIES`] in the set, ascending: its set bits, without a look at
    /// the others.
    pub fn indices(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // Bits past the table name no territory (and only higher ones follow).
                (i < TERRITORIES.len())
                    .then(|| u8::try_from(i).ok())
                    .flatten()
            })
        })
    }
}

impl FromIterator<u8> for TerritorySet {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        let mut s = Self::new();
        for i in iter {
            s.insert(i);
        }
        s
    }
}

/// UN M49 area codes that BCP 47 accepts as a region (the IANA registry's numeric region
/// subtags: world, continents and sub-regions).
const UN_M49: &[&str] = &[
    "001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021",
    "029", "030", "034", "035", "039", "053", "054", "057", "061", "142", "143", "145", "150",
    "151", "154", "155", "202", "419",
];

/// Whether `code` is a UN M49 area code usable as a BCP 47 region (e.g. `419`, Latin
/// America and the Caribbean).
pub fn is_un_m49(code: &str) -> bool {
    UN_M49.binary_search(&code).is_ok()
}

/// Whether `code` (lowercase) is in the packed three-letter table.
fn in_lang3(code: &str) -> bool {
    let table = LANG3.as_bytes();
    let key = code.as_bytes();
    let (mut lo, mut hi) = (0usize, table.len() / 3);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let Some(entry) = table.get(mid * 3..mid * 3 + 3) else {
            return false;
        };
        match entry.cmp(key) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    false
}

/// Check a primary language subtag (already ASCII lowercase).
fn check_language(lang: &str, shown: &str) -> Result<(), String> {
    let letters = lang.bytes().all(|b| b.is_ascii_lowercase());
    match lang.len() {
        2 if letters && LANG2.binary_search(&lang).is_ok() => Ok(()),
        3 if letters => {
            if let Ok(i) = LANG3_TO_2.binary_search_by(|(k, _)| (*k).cmp(lang)) {
                let two = LANG3_TO_2.get(i).map_or("", |(_, v)| *v);
                return Err(format!(
                    "`{shown}` should be `{two}`: a language tag uses the two-letter ISO 639-1 code where there is one"
                ));
            }
            let local = lang.as_bytes().first() == Some(&b'q')
                && lang
                    .as_bytes()
                    .get(1)
                    .is_some_and(|b| (b'a'..=b't').contains(b));
            if local || in_lang3(lang) {
                Ok(())
            } else {
                Err(format!("`{shown}` is not an ISO 639 language code"))
            }
        }
        _ => Err(format!("`{shown}` is not an ISO 639 language code")),
    }
}

/// Check a BCP 47 language tag of the shape `lang[-Script][-REGION]`: `lang` an ISO 639-1
/// code, or an ISO 639-2/639-3 code where no two-letter code exists (`haw`, `yue`; also
/// `zxx`, `mul`, `und`, local-use `qaa`–`qtz`); `Script` an ISO 15924 code (`Latn`); `REGION`
/// an alpha-2 code of [`TERRITORIES`] or a UN M49 area code (`419`). Matching ignores case.
/// `Err` holds a message such as "`xx` is not an ISO 639 language code".
pub fn is_language(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("language tag is empty".to_string());
    }
    if tag.contains('_') {
        return Err(format!(
            "`{}` uses `_`: subtags of a language tag are separated by `-`",
            tag.escape_debug()
        ));
    }
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or("");
    check_language(&lang.to_ascii_lowercase(), &lang.escape_debug().to_string())?;
    let mut rest: Vec<&str> = parts.collect();
    rest.reverse();
    let mut next = rest.pop();
    if let Some(script) =
        next.filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        let mut title = script.to_ascii_lowercase();
        if let Some(first) = title.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        if SCRIPTS.binary_search(&title.as_str()).is_err() {
            return Err(format!("`{script}` is not an ISO 15924 script code"));
        }
        next = rest.pop();
    }
    if let Some(region) = next {
        let alpha = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit());
        let upper = region.to_ascii_uppercase();
        if (alpha && territory_index(&upper).is_some()) || (digits && is_un_m49(region)) {
            next = rest.pop();
        } else if alpha || digits {
            return Err(match territory_alias(&upper) {
                Some(good) => format!("`{region}` is not an ISO 3166-1 region code: use `{good}`"),
                None => format!("`{region}` is not an ISO 3166-1 region or UN M49 area code"),
            });
        }
    }
    match next {
        None => Ok(()),
        Some("") => Err(format!("`{}` has an empty subtag", tag.escape_debug())),
        Some(extra) => Err(format!(
            "`{}` has an unexpected subtag `{}`: expected `language[-Script][-REGION]`",
            tag.escape_debug(),
            extra.escape_debug()
        )),
    }
}

/// Minor units (digits after the decimal point) of an active ISO 4217 currency: 2 for
/// EUR/GBP/USD, 0 for JPY/KRW, 3 for BHD/KWD, 4 for CLF. `None` for anything else,
/// including lowercase input and codes without a minor unit (XAU, XDR, XXX …).
pub fn currency_minor_units(code: &str) -> Option<u8> {
    CURRENCIES
        .binary_search_by(|(k, _)| (*k).cmp(code))
        .ok()
        .and_then(|i| CURRENCIES.get(i))
        .map(|(_, u)| *u)
}

// ---------------------------------------------------------------------------------------
// Generated data. Source: Debian package `iso-codes` 4.15.0 (`/usr/share/iso-codes/json/`),
// extracted as each table's comment says; currency
// minor units added by hand from the ISO 4217 list.
// ---------------------------------------------------------------------------------------

/// ISO 3166-1 alpha-2 codes (`iso_3166-1.json`, every `alpha_2`: 249 codes) plus `XK`
/// (Kosovo, a user-assigned code that DDEX accepts), sorted. 250 codes.
pub const TERRITORIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// ISO 639-1 two-letter codes (183): every `alpha_2` of `iso_639-2.json` except the
/// withdrawn `bh`.
const LANG2: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Three-letter ISO 639-2 (terminology and bibliographic, collective codes included) and
/// ISO 639-3 codes that have a two-letter ISO 639-1 code, with that code (203).
const LANG3_TO_2: &[(&str, &str)] = &[
    ("aar", "aa"),
    ("abk", "ab"),
    ("afr", "af"),
    ("aka", "ak"),
    ("alb", "sq"),
    ("amh", "am"),
    ("ara", "ar"),
    ("arg", "an"),
    ("arm", "hy"),
    ("asm", "as"),
    ("ava", "av"),
    ("ave", "ae"),
    ("aym", "ay"),
    ("aze", "az"),
    ("bak", "ba"),
    ("bam", "bm"),
    ("baq", "eu"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bis", "bi"),
    ("bod", "bo"),
    ("bos", "bs"),
    ("bre", "br"),
    ("bul", "bg"),
    ("bur", "my"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cha", "ch"),
    ("che", "ce"),
    ("chi", "zh"),
    ("chu", "cu"),
    ("chv", "cv"),
    ("cor", "kw"),
    ("cos", "co"),
    ("cre", "cr"),
    ("cym", "cy"),
    ("cze", "cs"),
    ("dan", "da"),
    ("deu", "de"),
    ("div", "dv"),
    ("dut", "nl"),
    ("dzo", "dz"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("eus", "eu"),
    ("ewe", "ee"),
    ("fao", "fo"),
    ("fas", "fa"),
    ("fij", "fj"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("fre", "fr"),
    ("fry", "fy"),
    ("ful", "ff"),
    ("geo", "ka"),
    ("ger", "de"),
    ("gla", "gd"),
    ("gle", "ga"),
    ("glg", "gl"),
    ("glv", "gv"),
    ("gre", "el"),
    ("grn", "gn"),
    ("guj", "gu"),
    ("hat", "ht"),
    ("hau", "ha"),
    ("heb", "he"),
    ("her", "hz"),
    ("hin", "hi"),
    ("hmo", "ho"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ibo", "ig"),
    ("ice", "is"),
    ("ido", "io"),
    ("iii", "ii"),
    ("iku", "iu"),
    ("ile", "ie"),
    ("ina", "ia"),
    ("ind", "id"),
    ("ipk", "ik"),
    ("isl", "is"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kal", "kl"),
    ("kan", "kn"),
    ("kas", "ks"),
    ("kat", "ka"),
    ("kau", "kr"),
    ("kaz", "kk"),
    ("khm", "km"),
    ("kik", "ki"),
    ("kin", "rw"),
    ("kir", "ky"),
    ("kom", "kv"),
    ("kon", "kg"),
    ("kor", "ko"),
    ("kua", "kj"),
    ("kur", "ku"),
    ("lao", "lo"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lim", "li"),
    ("lin", "ln"),
    ("lit", "lt"),
    ("ltz", "lb"),
    ("lub", "lu"),
    ("lug", "lg"),
    ("mac", "mk"),
    ("mah", "mh"),
    ("mal", "ml"),
    ("mao", "mi"),
    ("mar", "mr"),
    ("may", "ms"),
    ("mkd", "mk"),
    ("mlg", "mg"),
    ("mlt", "mt"),
    ("mon", "mn"),
    ("mri", "mi"),
    ("msa", "ms"),
    ("mya", "my"),
    ("nau", "na"),
    ("nav", "nv"),
    ("nbl", "nr"),
    ("nde", "nd"),
    ("ndo", "ng"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nno", "nn"),
    ("nob", "nb"),
    ("nor", "no"),
    ("nya", "ny"),
    ("oci", "oc"),
    ("oji", "oj"),
    ("ori", "or"),
    ("orm", "om"),
    ("oss", "os"),
    ("pan", "pa"),
    ("per", "fa"),
    ("pli", "pi"),
    ("pol", "pl"),
    ("por", "pt"),
    ("pus", "ps"),
    ("que", "qu"),
    ("roh", "rm"),
    ("ron", "ro"),
    ("rum", "ro"),
    ("run", "rn"),
    ("rus", "ru"),
    ("sag", "sg"),
    ("san", "sa"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slo", "sk"),
    ("slv", "sl"),
    ("sme", "se"),
    ("smo", "sm"),
    ("sna", "sn"),
    ("snd", "sd"),
    ("som", "so"),
    ("sot", "st"),
    ("spa", "es"),
    ("sqi", "sq"),
    ("srd", "sc"),
    ("srp", "sr"),
    ("ssw", "ss"),
    ("sun", "su"),
    ("swa", "sw"),
    ("swe", "sv"),
    ("tah", "ty"),
    ("tam", "ta"),
    ("tat", "tt"),
    ("tel", "te"),
    ("tgk", "tg"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tib", "bo"),
    ("tir", "ti"),
    ("ton", "to"),
    ("tsn", "tn"),
    ("tso", "ts"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("twi", "tw"),
    ("uig", "ug"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("ven", "ve"),
    ("vie", "vi"),
    ("vol", "vo"),
    ("wel", "cy"),
    ("wln", "wa"),
    ("wol", "wo"),
    ("xho", "xh"),
    ("yid", "yi"),
    ("yor", "yo"),
    ("zha", "za"),
    ("zho", "zh"),
    ("zul", "zu"),
];

/// Every other three-letter ISO 639-2 (T and B) and ISO 639-3 code (7793), packed
/// three bytes per code, sorted. Local-use `qaa`–`qtz` is handled in code.
const LANG3: &str = "\
    aaaaabaacaadaaeaafaagaahaaiaakaalaanaaoaapaaqaasaataauaawaaxaazabaabbabcabd\
    abeabfabgabhabiabjablabmabnaboabpabqabrabsabtabuabvabwabxabyabzacaacbacdace\
    acfachaciackaclacmacnacpacqacracsactacuacvacwacxacyaczadaadbaddadeadfadgadh\
    adiadjadladnadoadqadradsadtaduadwadxadyadzaeaaebaecaedaeeaekaelaemaenaeqaer\
    aesaeuaewaeyaezafaafbafdafeafgafhafiafkafnafoafpafsaftafuafzagaagbagcagdage\
    agfaggaghagiagjagkaglagmagnagoagqagragsagtaguagvagwagxagyagzahaahbahgahhahi\
    ahkahlahmahnahoahpahrahsahtaiaaibaicaidaieaifaigaihaiiaijaikailaimainaioaip\
    aiqairaitaiwaixaiyajaajgajiajnajpajsajuajwajzakbakcakdakeakfakgakhakiakjakk\
    aklakmakoakpakqakraksaktakuakvakwakxakyakzalaalcaldalealfalgalhalialjalkall\
    almalnaloalpalqalralsaltalualwalxalyalzamaambamcameamfamgamiamjamkamlammamn\
    amoampamqamramsamtamuamvamwamxamyamzanaanbancandaneanfanganhanianjankanlanm\
    annanoanpanqanransantanuanvanwanxanyanzaoaaobaocaodaoeaofaogaoiaojaokaolaom\
    aonaoraosaotaouaoxaozapaapbapcapdapeapfapgaphapiapjapkaplapmapnapoappapqapr\
    apsaptapuapvapwapxapyapzaqcaqdaqgaqkaqmaqnaqpaqraqtaqzarbarcardarearhariarj\
    arkarlarnaroarparqarrarsartaruarvarwarxaryarzasaasbascaseasfasgashasiasjask\
    aslasnasoaspasqasrassastasuasvaswasxasyaszataatbatcatdateatgathatiatjatkatl\
    atmatnatoatpatqatratsattatuatvatwatxatyatzauaaubaucaudaugauhauiaujaukaulaum\
    aunauoaupauqaurausautauuauwauxauyauzavbavdaviavkavlavmavnavoavsavtavuavvawa\
    awbawcaweawgawhawiawkawmawnawoawrawsawtawuawvawwawxawyaxbaxeaxgaxkaxlaxmaxx\
    ayaaybaycaydayeaygayhayiaykaylaynayoaypayqayraysaytayuayzazaazbazdazgazjazm\
    aznazoaztazzbaababbacbadbaebafbagbahbaibajbalbanbaobapbarbasbatbaubavbawbax\
    baybbabbbbbcbbdbbebbfbbgbbhbbibbjbbkbblbbmbbnbbobbpbbqbbrbbsbbtbbubbvbbwbbx\
    bbybcabcbbccbcdbcebcfbcgbchbcibcjbckbclbcmbcnbcobcpbcqbcrbcsbctbcubcvbcwbcy\
    bczbdabdbbdcbddbdebdfbdgbdhbdibdjbdkbdlbdmbdnbdobdpbdqbdrbdsbdtbdubdvbdwbdx\
    bdybdzbeabebbecbedbeebefbegbehbeibejbekbembeobepbeqberbesbetbeubevbewbexbey\
    bezbfabfbbfcbfdbfebffbfgbfhbfibfjbfkbflbfmbfnbfobfpbfqbfrbfsbftbfubfwbfxbfy\
    bfzbgabgbbgcbgdbgebgfbggbgibgjbgkbglbgnbgobgpbgqbgrbgsbgtbgubgvbgwbgxbgybgz\
    bhabhbbhcbhdbhebhfbhgbhhbhibhjbhlbhmbhnbhobhpbhqbhrbhsbhtbhubhvbhwbhxbhybhz\
    biabibbidbiebifbigbihbikbilbimbinbiobipbiqbirbitbiubivbiwbixbiybizbjabjbbjc\
    bjebjfbjgbjhbjibjjbjkbjlbjmbjnbjobjpbjrbjsbjtbjubjvbjwbjxbjybjzbkabkcbkdbkf\
    bkgbkhbkibkjbkkbklbkmbknbkobkpbkqbkrbksbktbkubkvbkwbkxbkybkzblablbblcbldble\
    blfblhblibljblkbllblmblnbloblpblqblrblsbltblvblwblxblyblzbmabmbbmcbmdbmebmf\
    bmgbmhbmibmjbmkbmlbmmbmnbmobmpbmqbmrbmsbmtbmubmvbmwbmxbmzbnabnbbncbndbnebnf\
    bngbnibnjbnkbnlbnmbnnbnobnpbnqbnrbnsbntbnubnvbnwbnxbnybnzboabobboebofbogboh\
    boibojbokbolbombonboobopboqborbotboubovbowboxboybozbpabpcbpdbpebpgbphbpibpj\
    bpkbplbpmbpnbpobppbpqbprbpsbptbpubpvbpwbpxbpybpzbqabqbbqcbqdbqfbqgbqhbqibqj\
    bqkbqlbqmbqnbqobqpbqqbqrbqsbqtbqubqvbqwbqxbqybqzbrabrbbrcbrdbrfbrgbrhbribrj\
    brkbrlbrmbrnbrobrpbrqbrrbrsbrtbrubrvbrwbrxbrybrzbsabsbbscbsebsfbsgbshbsibsj\
    bskbslbsmbsnbsobspbsqbsrbssbstbsubsvbswbsxbsybtabtcbtdbtebtfbtgbthbtibtjbtk\
    btmbtnbtobtpbtqbtrbtsbttbtubtvbtwbtxbtybtzbuabubbucbudbuebufbugbuhbuibujbuk\
    bumbunbuobupbuqbusbutbuubuvbuwbuxbuybuzbvabvbbvcbvdbvebvfbvgbvhbvibvjbvkbvl\
    bvmbvnbvobvpbvqbvrbvtbvubvvbvwbvxbvybvzbwabwbbwcbwdbwebwfbwgbwhbwibwjbwkbwl\
    bwmbwnbwobwpbwqbwrbwsbwtbwubwwbwxbwybwzbxabxbbxcbxdbxebxfbxgbxhbxibxjbxkbxl\
    bxmbxnbxobxpbxqbxrbxsbxubxvbxwbxzbyabybbycbydbyebyfbygbyhbyibyjbykbylbymbyn\
    byobypbyqbyrbysbytbyvbywbyxbyzbzabzbbzcbzdbzebzfbzgbzhbzibzjbzkbzlbzmbznbzo\
    bzpbzqbzrbzsbztbzubzvbzwbzxbzybzzcaacabcaccadcaecafcagcahcaicajcakcalcamcan\
    caocapcaqcarcascaucavcawcaxcaycazcbbcbccbdcbgcbicbjcbkcblcbncbocbqcbrcbscbt\
    cbucbvcbwcbycccccdcceccgcchccjcclccmccoccpccrcdacdecdfcdhcdicdjcdmcdncdocdr\
    cdscdycdzceacebcegcekcelcencetceycfacfdcfgcfmcgacgccggcgkchbchcchdchfchgchh\
    chjchkchlchmchnchochpchqchrchtchwchxchychzciacibciccidciecihcikcimcincipcir\
    ciwciycjacjecjhcjicjkcjmcjncjocjpcjscjvcjyckbckhcklckmcknckockqckrckscktcku\
    ckvckxckyckzclaclccldcleclhclicljclkcllclmclocltcluclwclycmacmccmecmgcmicml\
    cmmcmncmocmrcmscmtcnacnbcnccngcnhcnicnkcnlcnocnpcnqcnrcnscntcnucnwcnxcoacob\
    coccodcoecofcogcohcojcokcolcomconcoocopcoqcotcoucovcowcoxcozcpacpbcpccpecpf\
    cpgcpicpncpocppcpscpucpxcpycqdcracrbcrccrdcrfcrgcrhcricrjcrkcrlcrmcrncrocrp\
    crqcrrcrscrtcrvcrwcrxcrycrzcsacsbcsccsdcsecsfcsgcshcsicsjcskcslcsmcsncsocsp\
    csqcsrcsscstcsvcswcsxcsycszctactcctdctectgcthctlctmctnctoctpctscttctuctyctz\
    cuacubcuccuhcuicujcukculcuocupcuqcurcuscutcuucuvcuwcuxcuycvgcvncwacwbcwdcwe\
    cwgcwtcyacybcyoczhczkcznczocztdaadacdaddaedagdahdaidajdakdaldamdaodaqdardas\
    daudavdawdaxdaydazdbadbbdbddbedbfdbgdbidbjdbldbmdbndbodbpdbqdbrdbtdbudbvdbw\
    dbydccdcrddadddddeddgddiddjddnddoddrddsddwdecdeddeedefdegdehdeidekdeldemden\
    depdeqderdesdevdezdgadgbdgcdgddgedggdghdgidgkdgldgndgodgrdgsdgtdgwdgxdgzdhd\
    dhgdhidhldhmdhndhodhrdhsdhudhvdhwdhxdiadibdicdiddifdigdihdiidijdikdildimdin\
    diodipdiqdirdisdiudiwdixdiydizdjadjbdjcdjddjedjfdjidjjdjkdjmdjndjodjrdjudjw\
    dkadkgdkkdkrdksdkxdlgdlkdlmdlndmadmbdmcdmddmedmfdmgdmkdmldmmdmodmrdmsdmudmv\
    dmwdmxdmydnadnddnedngdnidnjdnkdnndnodnrdntdnudnvdnwdnydoadobdocdoedofdohdoi\
    dokdoldondoodopdoqdordosdotdovdowdoxdoydozdppdradrbdrcdrddredrgdridrldrndro\
    drqdrsdrtdrudrydsbdsedshdsidsldsndsodsqdszdtadtbdtddthdtidtkdtmdtndtodtpdtr\
    dtsdttdtudtyduadubducduedufdugduhduidukduldumdunduodupduqdurdusduuduvduwdux\
    duyduzdvadwadwkdwrdwsdwudwwdwydwzdyadybdyddygdyidymdyndyodyudyydzadzedzgdzl\
    dzneaaebcebgebkeboebrebuecrecsecyeeeefaefeefiegaeglegmegoegyehsehueipeiteiv\
    ejaekaekeekgekiekkeklekmekoekpekrekyeleelhelielkelmeloeluelxemaembemeemgemi\
    emkemmemnempemqemsemuemwemxemyemzenaenbencendenfenhenlenmennenoenqenrenuenv\
    enwenxeotepieraergerherierkeroerrerserterweseesgeshesieskeslesmesnesoesqess\
    esuesyetbetcethetnetoetretsettetuetxetzeveevhevnewoexteyaeyoezaezefaafabfad\
    faffagfahfaifajfakfalfamfanfapfarfatfaufaxfayfazfblfcsferffiffmfgrfiafiefif\
    filfipfirfitfiufiwfkkfkvflaflhflifllflnflrflyfmpfmufnbfngfnifodfoifomfonfor\
    fosfpefqsfrcfrdfrkfrmfrofrpfrqfrrfrsfrtfsefslfssfubfucfudfuefuffuhfuifujfum\
    funfuqfurfutfuufuvfuyfvrfwafwegaagabgacgadgaegafgaggahgaigajgakgalgamgangao\
    gapgaqgargasgatgaugawgaxgaygazgbagbbgbdgbegbfgbggbhgbigbjgbkgblgbmgbngbogbp\
    gbqgbrgbsgbugbvgbwgbxgbygbzgccgcdgcegcfgclgcngcrgctgdagdbgdcgddgdegdfgdggdh\
    gdigdjgdkgdlgdmgdngdogdqgdrgdsgdtgdugdxgeagebgecgedgefgeggehgeigejgekgelgem\
    geqgesgevgewgexgeygezgfkgftggaggbggdggegggggkgglggtgguggwghaghcgheghhghkghl\
    ghnghoghrghsghtgiagibgicgidgiegiggihgiigilgimgingipgiqgirgisgitgiugiwgixgiy\
    gizgjkgjmgjngjrgjugkagkdgkegkngkogkpgkuglbglcgldglhgljglkgllgloglrgluglwgly\
    gmagmbgmdgmggmhgmlgmmgmngmrgmugmvgmxgmygmzgnagnbgncgndgnegnggnhgnignjgnkgnl\
    gnmgnngnognqgnrgntgnugnwgnzgoagobgocgodgoegofgoggohgoigojgokgolgomgongoogop\
    goqgorgosgotgougovgowgoxgoygozgpagpegpngqagqigqngqrgqugragrbgrcgrdgrggrhgri\
    grjgrmgrogrqgrrgrsgrtgrugrvgrwgrxgrygrzgsegsggslgsmgsngsogspgssgswgtagtugua\
    gubgucgudguegufgugguhguigukgulgumgunguogupguqgurgusgutguuguwguxguzgvagvcgve\
    gvfgvjgvlgvmgvngvogvpgvrgvsgvygwagwbgwcgwdgwegwfgwggwigwjgwmgwngwrgwtgwugww\
    gwxgxxgyagybgydgyegyfgyggyigylgymgyngyogyrgyygyzgzagzigznhaahabhachadhaehaf\
    haghahhaihajhakhalhamhanhaohaphaqharhashavhawhaxhayhazhbahbbhbnhbohbshbuhca\
    hchhdnhdshdyheahedheghehheihemhgmhgwhhihhrhhyhiahibhidhifhighihhiihijhikhil\
    himhiohirhithiwhixhjihkahkehkhhkkhknhkshlahlbhldhlehlthluhmahmbhmchmdhmehmf\
    hmghmhhmihmjhmkhmlhmmhmnhmphmqhmrhmshmthmuhmvhmwhmyhmzhnahndhnehnghnhhnihnj\
    hnnhnohnshnuhoahobhochodhoehohhoihojholhomhoohophorhoshothovhowhoyhozhpohps\
    hrahrchrehrkhrmhrohrphrthruhrwhrxhrzhsbhshhslhsnhsshtihtohtshtuhtxhubhuchud\
    huehufhughuhhuihujhukhulhumhuohuphuqhurhushuthuuhuvhuwhuxhuyhuzhvchvehvkhvn\
    hvvhwahwchwohyahywiaiianiaribaibbibdibeibgibhiblibmibnibribuibyicaichiclicr\
    idaidbidciddideidiidridsidtiduifaifbifeiffifkifmifuifyigbigeiggigligmignigo\
    igsigwihbihiihpihwiinijcijeijjijnijoijsikeikiikkiklikoikpikriksiktikvikwikx\
    ikzilailbilgiliilkilmiloilpilsiluilvimaimiimlimnimoimrimsimtimyinbincineing\
    inhinjinlinminninoinpinsintinzioriouiowipiipoiquiqwiraireirhiriirkirniroirr\
    iruirxiryisaiscisdiseisgishisiiskismisnisoisristisuitbitditeitiitkitlitmito\
    itritsittitvitwitxityitziumivbivviwkiwmiwoiwsixcixliyaiyoiyxizhizrizzjaajab\
    jacjadjaejafjahjajjakjaljamjanjaojaqjasjatjaujaxjayjazjbejbijbjjbkjbmjbnjbo\
    jbrjbtjbujbwjcsjctjdajdgjdtjebjeejehjeijekjeljenjerjetjeujgbjgejgkjgojhijhs\
    jiajibjicjidjiejigjihjiijiljimjiojiqjitjiujivjiyjjejjrjkajkmjkojkpjkrjksjku\
    jlejlsjmajmbjmcjmdjmijmljmnjmrjmsjmwjmxjnajndjngjnijnjjnljnsjobjodjogjorjos\
    jowjpajprjqrjrajrbjrrjrtjrujsljuajubjucjudjuhjuijukjuljumjunjuojupjurjusjut\
    juujuwjuyjvdjvnjwijyajyejyykaakabkackadkaekafkagkahkaikajkakkamkaokapkaqkar\
    kavkawkaxkaykbakbbkbckbdkbekbgkbhkbikbjkbkkblkbmkbnkbokbpkbqkbrkbskbtkbukbv\
    kbwkbxkbykbzkcakcbkcckcdkcekcfkcgkchkcikcjkckkclkcmkcnkcokcpkcqkcrkcskctkcu\
    kcvkcwkcxkcykczkdakdckddkdekdfkdgkdhkdikdjkdkkdlkdmkdnkdpkdqkdrkdtkdukdwkdx\
    kdykdzkeakebkeckedkeekefkegkehkeikejkekkelkemkenkeokepkeqkerkesketkeukevkew\
    kexkeykezkfakfbkfckfdkfekffkfgkfhkfikfjkfkkflkfmkfnkfokfpkfqkfrkfskftkfukfv\
    kfwkfxkfykfzkgakgbkgekgfkggkgikgjkgkkglkgmkgnkgokgpkgqkgrkgskgtkgukgvkgwkgx\
    kgykhakhbkhckhdkhekhfkhgkhhkhikhjkhkkhlkhnkhokhpkhqkhrkhskhtkhukhvkhwkhxkhy\
    khzkiakibkickidkiekifkigkihkiikijkilkimkiokipkiqkiskitkiukivkiwkixkiykizkja\
    kjbkjckjdkjekjgkjhkjikjjkjkkjlkjmkjnkjokjpkjqkjrkjskjtkjukjvkjxkjykjzkkakkb\
    kkckkdkkekkfkkgkkhkkikkjkkkkklkkmkknkkokkpkkqkkrkkskktkkukkvkkwkkxkkykkzkla\
    klbklckldkleklfklgklhklikljklkkllklmklnkloklpklqklrklskltkluklvklwklxklyklz\
    kmakmbkmckmdkmekmfkmgkmhkmikmjkmkkmlkmmkmnkmokmpkmqkmrkmskmtkmukmvkmwkmxkmy\
    kmzknaknbknckndkneknfkngkniknjknkknlknmknnknoknpknqknrknskntknuknvknwknxkny\
    knzkoakockodkoekofkogkohkoikokkolkookopkoqkoskotkoukovkowkoykozkpakpbkpckpd\
    kpekpfkpgkphkpikpjkpkkplkpmkpnkpokpqkprkpskptkpukpvkpwkpxkpykpzkqakqbkqckqd\
    kqekqfkqgkqhkqikqjkqkkqlkqmkqnkqokqpkqqkqrkqskqtkqukqvkqwkqxkqykqzkrakrbkrc\
    krdkrekrfkrhkrikrjkrkkrlkrnkrokrpkrrkrskrtkrukrvkrwkrxkrykrzksaksbkscksdkse\
    ksfksgkshksiksjkskkslksmksnksokspksqksrksskstksuksvkswksxksykszktaktbktcktd\
    ktektfktgkthktiktjktkktlktmktnktoktpktqktskttktuktvktwktxktyktzkubkuckudkue\
    kufkugkuhkuikujkukkulkumkunkuokupkuqkuskutkuukuvkuwkuxkuykuzkvakvbkvckvdkve\
    kvfkvgkvhkvikvjkvkkvlkvmkvnkvokvpkvqkvrkvtkvukvvkvwkvxkvykvzkwakwbkwckwdkwe\
    kwfkwgkwhkwikwjkwkkwlkwmkwnkwokwpkwrkwskwtkwukwvkwwkwxkwykwzkxakxbkxckxdkxf\
    kxhkxikxjkxkkxmkxnkxokxpkxqkxrkxskxtkxvkxwkxxkxykxzkyakybkyckydkyekyfkygkyh\
    kyikyjkykkylkymkynkyokypkyqkyrkyskytkyukyvkywkyxkyykyzkzakzbkzckzdkzekzfkzg\
    kzikzkkzlkzmkznkzokzpkzqkzrkzskzukzvkzwkzxkzykzzlaalablacladlaelaflaglahlai\
    lajlallamlanlaplaqlarlaslaulawlaxlaylazlbblbclbelbflbglbilbjlbklbllbmlbnlbo\
    lbqlbrlbslbtlbulbvlbwlbxlbylbzlcclcdlcelcflchlcllcmlcplcqlcsldaldblddldgldh\
    ldildjldkldlldmldnldoldpldqlealeblecledleeleflehleilejleklellemlenleolepleq\
    lerlesletleulevlewlexleylezlfalfnlgalgblgglghlgilgklgllgmlgnlgolgqlgrlgtlgu\
    lgzlhalhhlhilhllhmlhnlhplhslhtlhulialibliclidlielifliglihlijliklilliolipliq\
    lirlisliulivliwlixliylizljaljeljiljlljpljwljxlkalkblkclkdlkelkhlkilkjlkllkm\
    lknlkolkrlkslktlkulkyllallbllclldllellfllgllhllilljllklllllmllnllpllqllsllu\
    llxlmalmblmclmdlmelmflmglmhlmilmjlmklmllmnlmolmplmqlmrlmulmvlmwlmxlmylnalnb\
    lndlnglnhlnilnjlnllnmlnnlnslnulnwlnzloaloblocloelofloglohloilojloklollomlon\
    looloploqlorloslotloulovlowloxloylozlpalpelpnlpolpxlqrlralrclrelrglrilrklrl\
    lrmlrnlrolrrlrtlrvlrzlsalsblsclsdlselshlsilsllsmlsnlsolsplsrlsslstlsvlswlsy\
    ltcltglthltiltnltoltsltulualucludluelufluilujluklullumlunluolupluqlurluslut\
    luuluvluwluyluzlvalvilvklvslvulwalwelwglwhlwllwmlwolwslwtlwulwwlxmlyalyglyn\
    lzhlzllznlzzmaamabmadmaemafmagmaimajmakmammanmapmaqmasmatmaumavmawmaxmazmba\
    mbbmbcmbdmbembfmbhmbimbjmbkmblmbmmbnmbombpmbqmbrmbsmbtmbumbvmbwmbxmbymbzmca\
    mcbmccmcdmcemcfmcgmchmcimcjmckmclmcmmcnmcomcpmcqmcrmcsmctmcumcvmcwmcxmcymcz\
    mdamdbmdcmddmdemdfmdgmdhmdimdjmdkmdlmdmmdnmdpmdqmdrmdsmdtmdumdvmdwmdxmdymdz\
    meamebmecmedmeemefmehmeimejmekmelmemmenmeomepmeqmermesmetmeumevmewmeymezmfa\
    mfbmfcmfdmfemffmfgmfhmfimfjmfkmflmfmmfnmfomfpmfqmfrmfsmftmfumfvmfwmfxmfymfz\
    mgamgbmgcmgdmgemgfmggmghmgimgjmgkmglmgmmgnmgomgpmgqmgrmgsmgtmgumgvmgwmgymgz\
    mhamhbmhcmhdmhemhfmhgmhimhjmhkmhlmhmmhnmhomhpmhqmhrmhsmhtmhumhwmhxmhymhzmia\
    mibmicmidmiemifmigmihmiimijmikmilmimminmiomipmiqmirmismitmiumiwmixmiymizmjb\
    mjcmjdmjemjgmjhmjimjjmjkmjlmjmmjnmjomjpmjqmjrmjsmjtmjumjvmjwmjxmjymjzmkamkb\
    mkcmkemkfmkgmkhmkimkjmkkmklmkmmknmkomkpmkqmkrmksmktmkumkvmkwmkxmkymkzmlamlb\
    mlcmlemlfmlhmlimljmlkmllmlmmlnmlomlpmlqmlrmlsmlumlvmlwmlxmlzmmammbmmcmmdmme\
    mmfmmgmmhmmimmjmmkmmlmmmmmnmmommpmmqmmrmmtmmummvmmwmmxmmymmzmnamnbmncmndmne\
    mnfmngmnhmnimnjmnkmnlmnmmnnmnomnpmnqmnrmnsmnumnvmnwmnxmnymnzmoamocmodmoemog\
    mohmoimojmokmommoomopmoqmormosmotmoumovmowmoxmoymozmpampbmpcmpdmpempgmphmpi\
    mpjmpkmplmpmmpnmpomppmpqmprmpsmptmpumpvmpwmpxmpympzmqamqbmqcmqemqfmqgmqhmqi\
    mqjmqkmqlmqmmqnmqomqpmqqmqrmqsmqtmqumqvmqwmqxmqymqzmramrbmrcmrdmremrfmrgmrh\
    mrjmrkmrlmrmmrnmromrpmrqmrrmrsmrtmrumrvmrwmrxmrymrzmsbmscmsdmsemsfmsgmshmsi\
    msjmskmslmsmmsnmsomspmsqmsrmssmsumsvmswmsxmsymszmtamtbmtcmtdmtemtfmtgmthmti\
    mtjmtkmtlmtmmtnmtomtpmtqmtrmtsmttmtumtvmtwmtxmtymuamubmucmudmuemugmuhmuimuj\
    mukmulmummunmuomupmuqmurmusmutmuumuvmuxmuymuzmvamvbmvdmvemvfmvgmvhmvimvkmvl\
    mvnmvomvpmvqmvrmvsmvtmvumvvmvwmvxmvymvzmwamwbmwcmwemwfmwgmwhmwimwkmwlmwmmwn\
    mwomwpmwqmwrmwsmwtmwumwvmwwmwzmxamxbmxcmxdmxemxfmxgmxhmximxjmxkmxlmxmmxnmxo\
    mxpmxqmxrmxsmxtmxumxvmxwmxxmxymxzmybmycmyemyfmygmyhmyjmykmylmymmynmyomypmyr\
    mysmyumyvmywmyxmyymyzmzamzbmzcmzdmzemzgmzhmzimzjmzkmzlmzmmznmzomzpmzqmzrmzs\
    mztmzumzvmzwmzxmzymzznaanabnacnaenafnagnahnainajnaknalnamnannaonapnaqnarnas\
    natnawnaxnaynaznbanbbnbcnbdnbenbgnbhnbinbjnbknbmnbnnbonbpnbqnbrnbsnbtnbunbv\
    nbwnbyncancbnccncdncencfncgnchncincjncknclncmncnnconcqncrncsnctncuncxncznda\
    ndbndcnddndfndgndhndindjndkndlndmndnndpndqndrndsndtndundvndwndxndyndzneaneb\
    necnedneenefnegnehneinejneknemnenneoneqnernesnetneunevnewnexneyneznfanfdnfl\
    nfrnfungangbngcngdngenggnghngingjngknglngmngnngpngqngrngsngtngungvngwngxngy\
    ngznhanhbnhcnhdnhenhfnhgnhhnhinhknhmnhnnhonhpnhqnhrnhtnhunhvnhwnhxnhynhznia\
    nibnicnidnienifnignihniinijniknilnimninnioniqnirnisnitniunivniwnixniyniznja\
    njbnjdnjhnjinjjnjlnjmnjnnjonjrnjsnjtnjunjxnjynjznkankbnkcnkdnkenkfnkgnkhnki\
    nkjnkknkmnknnkonkpnkqnkrnksnktnkunkvnkwnkxnkznlanlcnlenlgnlinljnlknllnlmnlo\
    nlqnlunlvnlwnlxnlynlznmanmbnmcnmdnmenmfnmgnmhnminmjnmknmlnmmnmnnmonmpnmqnmr\
    nmsnmtnmunmvnmwnmxnmynmznnannbnncnndnnennfnngnnhnninnjnnknnlnnmnnnnnpnnqnnr\
    nntnnunnvnnwnnynnznoanocnodnoenofnognohnoinojnoknolnomnonnopnoqnosnotnounov\
    nownoynoznpanpbnpgnphnpinplnpnnponpsnpunpxnpynqgnqknqlnqmnqnnqonqqnqtnqynra\
    nrbnrcnrenrfnrgnrinrknrlnrmnrnnrpnrrnrtnrunrxnrznsansbnscnsdnsensfnsgnshnsi\
    nsknslnsmnsnnsonspnsqnsrnssnstnsunsvnswnsxnsynszntdntentgntintjntkntmntontp\
    ntrntuntwntxntyntznuanubnucnudnuenufnugnuhnuinujnuknulnumnunnuonupnuqnurnus\
    nutnuunuvnuwnuxnuynuznvhnvmnvonwanwbnwcnwenwgnwinwmnwonwrnwwnwxnwynxanxdnxe\
    nxgnxinxknxlnxmnxnnxonxqnxrnxxnybnycnydnyenyfnygnyhnyinyjnyknylnymnynnyonyp\
    nyqnyrnysnytnyunyvnywnyxnyynzanzbnzdnzinzknzmnzsnzunzynzzoaaoacoaroavobiobk\
    oblobmoboobrobtobuocaochocmocoocuodaodkodtoduofoofsofuogbogcogeoggogooguoht\
    ohuoiaoieoinojbojcojgojpojsojvojwokaokbokcokdokeokgokhokiokjokkoklokmoknoko\
    okroksokuokvokxokzolaoldoleolkolmoloolroltoluomaombomcomgomiomkomlomnomoomp\
    omromtomuomwomxomyonaonboneongonionjonkonnonoonponronsontonuonwonxoodoogoon\
    ooroosopaopkopmopooptopyoraorcoreorgorhornoroorrorsortoruorvorworxoryorzosa\
    oscosiosnosoospostosuosxotaotbotdoteotiotkotlotmotnotootqotrotsottotuotwotx\
    otyotzouaouboueouioumovdowiowloyboydoymoyyozmpaapabpacpadpaepafpagpahpaipak\
    palpampaopappaqparpaspaupavpawpaxpaypazpbbpbcpbepbfpbgpbhpbipblpbmpbnpbopbp\
    pbrpbspbtpbupbvpbypcapcbpccpcdpcepcfpcgpchpcipcjpckpclpcmpcnpcppcwpdapdcpdi\
    pdnpdopdtpdupeapebpedpeepefpegpehpeipejpekpelpempeopeppeqpespevpexpeypezpfa\
    pfepflpgapgdpggpgipgkpglpgnpgspgupgzphaphdphgphhphiphjphkphlphmphnphophqphr\
    phtphuphvphwpiapibpicpidpiepifpigpihpijpilpimpinpiopippirpispitpiupivpiwpix\
    piypizpjtpkapkbpkcpkgpkhpknpkopkppkrpkspktpkuplaplbplcpldpleplgplhpljplkpll\
    plnploplqplrplspltpluplvplwplyplzpmapmbpmdpmepmfpmhpmipmjpmkpmlpmmpmnpmopmq\
    pmrpmspmtpmwpmxpmypmzpnapnbpncpndpnepngpnhpnipnjpnkpnlpnmpnnpnopnppnqpnrpns\
    pntpnupnvpnwpnxpnypnzpocpoepofpogpohpoipokpomponpoopoppoqpospotpovpowpoxpoy\
    ppeppippkpplppmppnppopppppqppspptppupqapqmpraprcprdpreprfprgprhpriprkprlprm\
    prnproprpprqprrprsprtpruprwprxprzpsapscpsdpsepsgpshpsipslpsmpsnpsopsppsqpsr\
    psspstpsupswpsyptapthptiptnptoptpptqptrpttptuptvptwptypuapubpucpudpuepufpug\
    puipujpumpuopuppuqpurputpuupuwpuxpuypwapwbpwgpwipwmpwnpwopwrpwwpxmpyepympyn\
    pyspyupyxpyypzhpznquaqubqucqudqufqugquhquiqukqulqumqunqupquqqurqusquvquwqux\
    quyquzqvaqvcqveqvhqviqvjqvlqvmqvnqvoqvpqvsqvwqvyqvzqwaqwcqwhqwmqwsqwtqxaqxc\
    qxhqxlqxnqxoqxpqxqqxrqxsqxtqxuqxwqyaqypraarabracradrafragrahrairajrakralram\
    ranraorapraqrarrasratrauravrawraxrayrazrbbrbkrblrbprcfrdbrearebreeregreirej\
    relremrenrerresretreyrgargergkrgnrgrrgsrgurhgrhpriaribrifrilrimrinrirritriu\
    rjgrjirjsrkarkbrkhrkirkmrktrkwrmarmbrmcrmdrmermfrmgrmhrmirmkrmlrmmrmnrmormp\
    rmqrmsrmtrmurmvrmwrmxrmyrmzrnbrndrngrnlrnnrnprnrrnwroarobrocrodroerofrogrol\
    romrooroprorrourowrpnrptrrirrorrtrsbrskrslrsmrsnrtcrthrtmrtsrtwrubrucrueruf\
    rugruhruirukruorupruqrutruuruyruzrwarwkrwlrwmrworwrrxdrxwrynrysryurzhsaasab\
    sacsadsaesafsahsaisajsaksalsamsaosaqsarsassatsausavsawsaxsaysazsbasbbsbcsbd\
    sbesbfsbgsbhsbisbjsbksblsbmsbnsbosbpsbqsbrsbssbtsbusbvsbwsbxsbysbzscbscescf\
    scgschsciscksclscnscoscpscqscssctscuscvscwscxsdasdbsdcsdesdfsdgsdhsdjsdksdl\
    sdnsdosdpsdqsdrsdssdtsdusdxsdzseasebsecsedseesefsegsehseisejsekselsemsenseo\
    sepseqsersessetseusevsewseysezsfbsfesfmsfssfwsgasgbsgcsgdsgesggsghsgisgjsgk\
    sgmsgnsgpsgrsgssgtsgusgwsgxsgysgzshashbshcshdsheshgshhshishjshkshlshmshnsho\
    shpshqshrshsshtshushvshwshxshyshzsiasibsidsiesifsigsihsiisijsiksilsimsiosip\
    siqsirsissitsiusivsiwsixsiysizsjasjbsjdsjesjgsjksjlsjmsjnsjosjpsjrsjssjtsju\
    sjwskaskbskcskdskeskfskgskhskiskjskmsknskoskpskqskrskssktskuskvskwskxskyskz\
    slaslcsldsleslfslgslhslisljsllslmslnslpslqslrslssltsluslwslxslyslzsmasmbsmc\
    smfsmgsmhsmismjsmksmlsmmsmnsmpsmqsmrsmssmtsmusmvsmwsmxsmysmzsncsnesnfsngsni\
    snjsnksnlsnmsnnsnosnpsnqsnrsnssnusnvsnwsnxsnysnzsoasobsocsodsoesogsohsoisoj\
    soksolsonsoosopsoqsorsossousovsowsoxsoysozspbspcspdspespgspispksplspmspnspo\
    sppspqsprspssptspuspvspxspysqasqhsqksqmsqnsqosqqsqrsqssqtsqusqxsrasrbsrcsre\
    srfsrgsrhsrisrksrlsrmsrnsrosrqsrrsrssrtsrusrvsrwsrxsrysrzssassbsscssdssessf\
    ssgsshssissjssksslssmssnssosspssqssrssssstssussvssxssysszstastbstdstestfstg\
    sthstistjstkstlstmstnstostpstqstrstssttstustvstwstysuasubsucsuesugsuisujsuk\
    suosuqsursussutsuvsuwsuxsuysuzsvasvbsvcsvesvksvmsvssvxswbswcswfswgswhswiswj\
    swkswlswmswnswoswpswqswrswsswtswuswvswwswxswysxbsxcsxesxgsxksxlsxmsxnsxosxr\
    sxssxusxwsyasybsycsyisyksylsymsynsyosyrsyssywsyxsyyszaszbszcszdszeszgszlszn\
    szpszsszvszwszytaatabtactadtaetaftagtaitajtaktaltantaotaptaqtartastautavtaw\
    taxtaytaztbatbctbdtbetbftbgtbhtbitbjtbktbltbmtbntbotbptbrtbstbttbutbvtbwtbx\
    tbytbztcatcbtcctcdtcetcftcgtchtcitcktcltcmtcntcotcptcqtcstcttcutcwtcxtcytcz\
    tdatdbtdctddtdetdftdgtdhtditdjtdktdltdmtdntdotdqtdrtdstdttdvtdxtdyteatebtec\
    tedteeteftegtehteitektemtenteotepteqtertestetteutevtewtexteyteztfitfntfotfr\
    tfttgatgbtgctgdtgetgftghtgitgjtgntgotgptgqtgrtgstgttgutgvtgwtgxtgytgzthdthe\
    thfthhthithkthlthmthnthpthqthrthsthtthuthvthythztiatictiftigtihtiitijtiktil\
    timtintiotiptiqtistittiutivtiwtixtiytiztjatjgtjitjjtjltjmtjntjotjptjstjutjw\
    tkatkbtkdtketkftkgtkltkmtkntkptkqtkrtkstkttkutkvtkwtkxtkztlatlbtlctldtlftlg\
    tlhtlitljtlktlltlmtlntlotlptlqtlrtlstlttlutlvtlxtlytmatmbtmctmdtmetmftmgtmh\
    tmitmjtmktmltmmtmntmotmqtmrtmstmttmutmvtmwtmytmztnatnbtnctndtngtnhtnitnktnl\
    tnmtnntnotnptnqtnrtnstnttnutnvtnwtnxtnytnztobtoctodtoftogtohtoitojtoktoltom\
    tootoptoqtortostoutovtowtoxtoytoztpatpctpetpftpgtpitpjtpktpltpmtpntpotpptpq\
    tprtpttputpvtpwtpxtpytpztqbtqltqmtqntqotqptqqtqrtqttqutqwtratrbtrctrdtretrf\
    trgtrhtritrjtrltrmtrntrotrptrqtrrtrstrttrutrvtrwtrxtrytrztsatsbtsctsdtsetsg\
    tshtsitsjtsktsltsmtsptsqtsrtsststtsutsvtswtsxtsytszttattbttcttdttettfttgtth\
    ttittjttkttlttmttnttottpttqttrttstttttuttvttwttyttztuatubtuctudtuetuftugtuh\
    tuitujtultumtuntuotuptuqtustuttuutuvtuxtuytuztvatvdtvetvktvltvmtvntvotvstvt\
    tvutvwtvxtvytwatwbtwctwdtwetwftwgtwhtwltwmtwntwotwptwqtwrtwttwutwwtwxtwytxa\
    txbtxctxetxgtxhtxitxjtxmtxntxotxqtxrtxstxttxutxxtxytyatyetyhtyityjtyltyntyp\
    tyrtystyttyutyvtyxtyytyztzatzhtzjtzltzmtzntzotzxuamuanuarubaubiublubrubuuby\
    udaudeudgudiudjudludmuduuesufiugaugbugeughugnugougyuhauhnuisuivujiukaukgukh\
    ukiukkuklukpukquksukuukvukwukyulaulbulculeulfuliulkullulmulnuluulwumaumbumc\
    umdumgumiummumnumoumpumrumsumuunaunduneunguniunkunmunnunrunuunxunzuonupiupv\
    uraurburcureurfurgurhuriurkurlurmurnurourpurrurturuurvurwurxuryurzusaushusi\
    uskuspussusuutauteuthutputrutuuumuuruuuuveuvhuvluwauyauznuzsvaavaevafvagvah\
    vaivajvalvamvanvaovapvarvasvauvavvayvbbvbkvecvedvelvemveovepvervgrvgtvicvid\
    vifvigvilvinvisvitvivvkavkjvkkvklvkmvknvkovkpvktvkuvkzvlpvlsvmavmbvmcvmdvme\
    vmfvmgvmhvmivmjvmkvmlvmmvmpvmqvmrvmsvmuvmvvmwvmxvmyvmzvnkvnmvnpvorvotvravro\
    vrsvrtvsivslvsvvtovumvunvutvwawaawabwacwadwaewafwagwahwaiwajwakwalwamwanwao\
    wapwaqwarwaswatwauwavwawwaxwaywazwbawbbwbewbfwbhwbiwbjwbkwblwbmwbpwbqwbrwbs\
    wbtwbvwbwwcawciwddwdgwdjwdkwdtwduwdyweawecwedwegwehweiwemwenweowepwerweswet\
    weuwewwfgwgawgbwggwgiwgowguwgywhawhgwhkwhuwibwicwiewifwigwihwiiwijwikwilwim\
    winwirwiuwivwiywjawjiwkawkbwkdwklwkrwkuwkwwkywlawlcwlewlgwlhwliwlkwllwlmwlo\
    wlrwlswluwlvwlwwlxwlywmawmbwmcwmdwmewmgwmhwmiwmmwmnwmowmswmtwmwwmxwnbwncwnd\
    wnewngwniwnkwnmwnnwnownpwnuwnwwnywoawobwocwodwoewofwogwoiwokwomwonwooworwos\
    wowwoywpcwrbwrgwrhwriwrkwrlwrmwrnwrowrpwrrwrswruwrvwrwwrxwrywrzwsawsgwsiwsk\
    wsrwsswsuwsvwtfwthwtiwtkwtmwtwwuawubwudwuhwulwumwunwurwutwuuwuvwuxwuywwawwb\
    wwowwrwwwwxawxwwybwyiwymwynwyrwyyxaaxabxacxadxaexagxaixajxakxalxamxanxaoxap\
    xaqxarxasxatxauxavxawxayxbbxbcxbdxbexbgxbixbjxbmxbnxboxbpxbrxbwxbyxcbxccxce\
    xcgxchxclxcmxcnxcoxcrxctxcuxcvxcwxcyxdaxdcxdkxdmxdoxdqxdyxebxedxegxelxemxep\
    xerxesxetxeuxfaxgaxgbxgdxgfxggxgixglxgmxgrxguxgwxhaxhcxhdxhexhmxhrxhtxhuxhv\
    xibxiixilxinxirxisxivxiyxjbxjtxkaxkbxkcxkdxkexkfxkgxkixkjxkkxklxknxkoxkpxkq\
    xkrxksxktxkuxkvxkwxkxxkyxkzxlaxlbxlcxldxlexlgxlixlnxloxlpxlsxluxlyxmaxmbxmc\
    xmdxmexmfxmgxmhxmjxmkxmlxmmxmnxmoxmpxmqxmrxmsxmtxmuxmvxmwxmxxmyxmzxnaxnbxng\
    xnhxnixnjxnkxnmxnnxnoxnqxnrxnsxntxnuxnyxnzxocxodxogxoixokxomxonxooxopxorxow\
    xpaxpbxpcxpdxpexpfxpgxphxpixpjxpkxplxpmxpnxpoxppxpqxprxpsxptxpuxpvxpwxpxxpy\
    xpzxqaxqtxraxrbxrdxrexrgxrixrmxrnxrrxrtxruxrwxsaxsbxscxsdxsexshxsixsjxslxsm\
    xsnxsoxspxsqxsrxssxsuxsvxsyxtaxtbxtcxtdxtextgxthxtixtjxtlxtmxtnxtoxtpxtqxtr\
    xtsxttxtuxtvxtwxtyxuaxubxudxugxujxulxumxunxuoxupxurxutxuuxvexvixvnxvoxvsxwa\
    xwcxwdxwexwgxwjxwkxwlxwoxwrxwtxwwxxbxxkxxmxxrxxtxyaxybxyjxykxylxytxyyxzhxzm\
    xzpyaayabyacyadyaeyafyagyahyaiyajyakyalyamyanyaoyapyaqyaryasyatyauyavyawyax\
    yayyazybaybbybeybhybiybjybkyblybmybnyboybxybyychyclycnycpydayddydeydgydkyea\
    yecyeeyeiyejyelyeryesyetyeuyevyeyygaygiyglygmygpygrygsyguygwyhayhdyhlyhsyia\
    yifyigyihyiiyijyikyilyimyinyipyiqyiryisyityiuyivyixyizykaykgykiykkyklykmykn\
    ykoykryktykuykyylaylbyleylgyliyllylmylnyloylryluylyymbymcymdymeymgymhymiymk\
    ymlymmymnymoympymqymrymsymxymzynayndyneyngynkynlynnynoynqynsynuyobyogyoiyok\
    yolyomyonyotyoxyoyypaypbypgyphypkypmypnypoyppypzyrayrbyreyrkyrlyrmyrnyroyrs\
    yrwyryyscysdysgyslysmysnysoyspysryssysyytaytlytpytwytyyuayubyucyudyueyufyug\
    yuiyujyukyulyumyunyupyuqyuryutyuwyuxyuyyuzyvayvtywaywgywlywnywqywrywtywuyww\
    yxayxgyxlyxmyxuyxyyyryyuyyzyzgyzkzaazabzaczadzaezafzagzahzaizajzakzalzamzao\
    zapzaqzarzaszatzauzavzawzaxzayzazzbazbczbezblzbtzbuzbwzcazcdzchzdjzeazegzeh\
    zenzgazgbzghzgmzgnzgrzhbzhdzhizhnzhwziazibzikzilzimzinziwzizzkazkbzkdzkgzkh\
    zkkzknzkozkpzkrzktzkuzkvzkzzlazljzlmzlnzlqzmazmbzmczmdzmezmfzmgzmhzmizmjzmk\
    zmlzmmzmnzmozmpzmqzmrzmszmtzmuzmvzmwzmxzmyzmzznazndznezngznkznszoczohzomzoo\
    zoqzorzoszpazpbzpczpdzpezpfzpgzphzpizpjzpkzplzpmzpnzpozppzpqzprzpszptzpuzpv\
    zpwzpxzpyzpzzqezrazrgzrnzrozrpzrszsazskzslzsmzsrzsuzteztgztlztmztnztpztqzts\
    zttztuztxztyzuazuhzumzunzuyzwazxxzybzygzyjzynzypzzazzj\
";

/// ISO 15924 script codes (182, `iso_15924.json`), Title case, sorted.
const SCRIPTS: &[&str] = &[
    "Adlm", "Afak", "Aghb", "Ahom", "Arab", "Aran", "Armi", "Armn", "Avst", "Bali", "Bamu", "Bass",
    "Batk", "Beng", "Bhks", "Blis", "Bopo", "Brah", "Brai", "Bugi", "Buhd", "Cakm", "Cans", "Cari",
    "Cham", "Cher", "Cirt", "Copt", "Cprt", "Cyrl", "Cyrs", "Deva", "Dsrt", "Dupl", "Egyd", "Egyh",
    "Egyp", "Elba", "Ethi", "Geok", "Geor", "Glag", "Goth", "Gran", "Grek", "Gujr", "Guru", "Hanb",
    "Hang", "Hani", "Hano", "Hans", "Hant", "Hatr", "Hebr", "Hira", "Hluw", "Hmng", "Hrkt", "Hung",
    "Inds", "Ital", "Jamo", "Java", "Jpan", "Jurc", "Kali", "Kana", "Khar", "Khmr", "Khoj", "Kitl",
    "Kits", "Knda", "Kore", "Kpel", "Kthi", "Lana", "Laoo", "Latf", "Latg", "Latn", "Leke", "Lepc",
    "Limb", "Lina", "Linb", "Lisu", "Loma", "Lyci", "Lydi", "Mahj", "Mand", "Mani", "Marc", "Maya",
    "Mend", "Merc", "Mero", "Mlym", "Modi", "Mong", "Moon", "Mroo", "Mtei", "Mult", "Mymr", "Narb",
    "Nbat", "Newa", "Nkgb", "Nkoo", "Nshu", "Ogam", "Olck", "Orkh", "Orya", "Osge", "Osma", "Palm",
    "Pauc", "Perm", "Phag", "Phli", "Phlp", "Phlv", "Phnx", "Piqd", "Plrd", "Prti", "Qaaa", "Qabx",
    "Rjng", "Roro", "Runr", "Samr", "Sara", "Sarb", "Saur", "Sgnw", "Shaw", "Shrd", "Sidd", "Sind",
    "Sinh", "Sora", "Sund", "Sylo", "Syrc", "Syre", "Syrj", "Syrn", "Tagb", "Takr", "Tale", "Talu",
    "Taml", "Tang", "Tavt", "Telu", "Teng", "Tfng", "Tglg", "Thaa", "Thai", "Tibt", "Tirh", "Ugar",
    "Vaii", "Visp", "Wara", "Wole", "Xpeo", "Xsux", "Yiii", "Zinh", "Zmth", "Zsye", "Zsym", "Zxxx",
    "Zyyy", "Zzzz",
];

/// Active ISO 4217 currency codes with their minor units (167): `iso_4217.json`
/// less `HRK` (withdrawn 2023), `ANG` (replaced by `XCG`, 2025) and `ZWL` (replaced by `ZWG`,
/// 2024), plus `XCG` and `ZWG`; less the codes whose minor unit is "N.A." (precious metals,
/// bond-market units, `XDR`, `XSU`, `XUA`, `XTS`, `XXX`), which cannot hold money.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SLL", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sorted_unique(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn indices_are_the_set_bits_in_order() {
        let mut some = TerritorySet::new();
        for code in ["AD", "GB", "JP", "US", "ZW"] {
            assert!(some.insert_code(code));
        }
        for set in [TerritorySet::new(), TerritorySet::all(), some] {
            let slow: Vec<u8> = (0..=u8::MAX).filter(|i| set.contains(*i)).collect();
            assert_eq!(set.indices().collect::<Vec<_>>(), slow);
            let codes: Vec<&str> = slow.iter().filter_map(|i| territory_code(*i)).collect();
            assert_eq!(set.iter().collect::<Vec<_>>(), codes);
        }
        assert_eq!(
            some.iter().collect::<Vec<_>>(),
            ["AD", "GB", "JP", "US", "ZW"]
        );
    }

    #[test]
    fn territories_table() {
        assert!(TERRITORIES.len() >= 249);
        assert_eq!(TERRITORIES.len(), 250);
        assert!(TERRITORIES.len() <= 256);
        assert!(sorted_unique(TERRITORIES));
        assert!(
            TERRITORIES
                .iter()
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
        for c in [
            "GB", "GR", "US", "JP", "XK", "AX", "SS", "BQ", "CW", "SX", "ZW",
        ] {
            assert!(territory_index(c).is_some(), "{c}");
        }
        for c in ["UK", "EL", "AN", "CS", "gb", "", "GBR", "É"] {
            assert!(territory_index(c).is_none(), "{c}");
        }
        assert_eq!(territory_index("AD"), Some(0));
        assert_eq!(territory_code(territory_index("JP").unwrap()), Some("JP"));
        assert_eq!(territory_alias("UK"), Some("GB"));
        assert_eq!(territory_alias("EL"), Some("GR"));
        assert_eq!(territory_alias("EN"), None);
        assert_eq!(territory_alias("GB"), None);
    }

    fn idx(c: &str) -> u8 {
        territory_index(c).unwrap()
    }

    #[test]
    fn territory_set() {
        let all = TerritorySet::all();
        assert_eq!(all.len(), TERRITORIES.len());
        assert!(all.iter().eq(TERRITORIES.iter().copied()));
        let empty = TerritorySet::new();
        assert!(empty.is_empty());
        assert_eq!(empty, TerritorySet::default());
        assert_eq!(empty.len(), 0);

        let mut eu = TerritorySet::new();
        for c in ["FR", "DE", "IE"] {
            assert!(eu.insert_code(c));
        }
        assert!(!eu.insert_code("UK"));
        let mut gbie = TerritorySet::new();
        gbie.insert(idx("GB"));
        gbie.insert(idx("IE"));
        assert!(eu.contains(idx("FR")));
        assert!(eu.contains_code("DE"));
        assert!(!eu.contains(idx("GB")));
        assert_eq!(
            eu.union(gbie).iter().collect::<Vec<_>>(),
            ["DE", "FR", "GB", "IE"]
        );
        assert_eq!(eu.intersection(gbie).iter().collect::<Vec<_>>(), ["IE"]);
        assert_eq!(eu.difference(gbie).iter().collect::<Vec<_>>(), ["DE", "FR"]);
        assert!(eu.is_subset(&all));
        assert!(!eu.is_subset(&gbie));
        assert!(empty.is_subset(&eu));
        // "all but Japan"
        let mut jp = TerritorySet::new();
        jp.insert(idx("JP"));
        let but_jp = all.difference(jp);
        assert_eq!(but_jp.len(), TERRITORIES.len() - 1);
        assert!(!but_jp.contains_code("JP"));
        assert_eq!(but_jp.union(jp), all);
        assert!(but_jp.intersection(jp).is_empty());
        let mut x = eu;
        x.remove(idx("FR"));
        assert_eq!(x.iter().collect::<Vec<_>>(), ["DE", "IE"]);
        // indexes beyond the table are harmless
        let mut hi = TerritorySet::new();
        hi.insert(255);
        assert!(hi.contains(255));
        assert_eq!(hi.iter().count(), 0);
        let from: TerritorySet = [idx("GB"), idx("IE")].into_iter().collect();
        assert_eq!(from, gbie);
    }

    #[test]
    fn language_tables() {
        assert_eq!(LANG2.len(), 183);
        assert!(sorted_unique(LANG2));
        assert!(sorted_unique(SCRIPTS));
        assert!(sorted_unique(UN_M49));
        assert!(LANG3_TO_2.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(LANG3.len() % 3, 0);
        let codes: Vec<&[u8]> = LANG3.as_bytes().chunks(3).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(codes.len() > 7000);
        assert!(LANG3.bytes().all(|b| b.is_ascii_lowercase()));
    }

    #[test]
    fn languages_valid() {
        for t in [
            "en",
            "EN",
            "en-GB",
            "en-gb",
            "pt-BR",
            "ja-Latn",
            "zh-Hant",
            "zh-Hant-TW",
            "zh-hans-cn",
            "haw",
            "yue",
            "cmn",
            "zxx",
            "mul",
            "und",
            "es-419",
            "sr-Cyrl",
            "fr-CA",
            "qaa",
            "qtz",
            "sgn",
            "bih",
            "gsw",
            "fil",
            "ast",
            "sq-XK",
            "hbs",
        ] {
            assert_eq!(is_language(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn languages_invalid() {
        let e = |t: &str| is_language(t).unwrap_err();
        assert_eq!(e("xx"), "`xx` is not an ISO 639 language code");
        assert_eq!(
            e("eng"),
            "`eng` should be `en`: a language tag uses the two-letter ISO 639-1 code where there is one"
        );
        assert!(e("fre").contains("`fr`"));
        assert!(e("ger").contains("`de`"));
        assert_eq!(
            e("en-UK"),
            "`UK` is not an ISO 3166-1 region code: use `GB`"
        );
        assert_eq!(e("en-Latx"), "`Latx` is not an ISO 15924 script code");
        assert!(e("en-QQ").contains("`QQ`"));
        assert!(e("en-999").contains("`999`"));
        assert!(e("en-826").contains("`826`"));
        assert!(e("en_GB").contains("`-`"));
        assert!(e("en-GB-x").contains("unexpected subtag `x`"));
        assert!(e("en-US-GB").contains("unexpected subtag `GB`"));
        assert!(e("en-").contains("empty subtag"));
        assert!(e("").contains("empty"));
        assert!(e("qzz").contains("not an ISO 639"));
        assert!(e("xzx").contains("not an ISO 639"));
        assert!(e("english").contains("`english`"));
        assert!(e("é").contains("`é`"));
        assert!(e("ée").contains("not an ISO 639"));
        assert!(e("en-Ébc").contains("unexpected"));
        assert!(e("bh").contains("not an ISO 639"));
        assert!(e("e1").contains("not an ISO 639"));
        assert!(e("en-Latn-Latn").contains("unexpected subtag `Latn`"));
    }

    #[test]
    fn currencies() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (c, u) in [
            ("EUR", 2),
            ("GBP", 2),
            ("USD", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("ISK", 0),
            ("CLP", 0),
            ("VND", 0),
            ("BHD", 3),
            ("KWD", 3),
            ("OMR", 3),
            ("JOD", 3),
            ("TND", 3),
            ("LYD", 3),
            ("IQD", 3),
            ("CLF", 4),
            ("UYW", 4),
            ("XCG", 2),
            ("ZWG", 2),
            ("XOF", 0),
            ("CHF", 2),
        ] {
            assert_eq!(currency_minor_units(c), Some(u), "{c}");
        }
        for c in [
            "eur", "HRK", "ANG", "ZWL", "XAU", "XXX", "EURO", "", "ÉUR", "DEM",
        ] {
            assert_eq!(currency_minor_units(c), None, "{c}");
        }
        assert!(CURRENCIES.len() > 150);
    }

    #[test]
    fn un_m49() {
        assert!(is_un_m49("419"));
        assert!(is_un_m49("001"));
        assert!(!is_un_m49("826"));
        assert!(!is_un_m49("1"));
    }
}
