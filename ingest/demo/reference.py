"""Fixed reference lists the demo generator draws from: organisations, geography, vocabularies and text.

Names of organisations, regions, provinces and municipalities are the real public ones. Populations, centres
and every other figure are this module's own round approximations (right order of magnitude, not copied from
any dataset). Nothing here depends on the seed or the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

# ------------------------------------------------------------------------------------------ organisations


@dataclass(frozen=True)
class Org:
    """One coordination.Organization row.

    ``ppa_weight`` is the relative number of MOA PPAs the organisation implements (0: none) and
    ``median_budget_m`` the median PPA budget in millions of pesos; both shape the PPA generator so that
    MBHTE, MPW and MOH dominate budgets as they do in reality.
    """

    acronym: str
    name: str
    organization_type: str = "bmoa"
    group: str = "ministry"  # ministry | attached | other | partner
    sector: str = "governance"  # the PPA sector most of its PPAs fall in
    ppa_weight: float = 0.0
    median_budget_m: float = 20.0
    description: str = ""


ATTACHED_TO_OCM = "Attached to the Office of the Chief Minister"

ORGANISATIONS: tuple[Org, ...] = (
    # 16 ministries (the Office of the Chief Minister counted among them, as in OBCMS's master list)
    Org("OCM", "Office of the Chief Minister", sector="governance", ppa_weight=5, median_budget_m=180),
    Org("MAFAR", "Ministry of Agriculture, Fisheries and Agrarian Reform", sector="economic", ppa_weight=6,
        median_budget_m=70),
    Org("MBHTE", "Ministry of Basic, Higher and Technical Education", sector="social", ppa_weight=6,
        median_budget_m=1600),
    Org("MENRE", "Ministry of Environment, Natural Resources and Energy", sector="environment", ppa_weight=3,
        median_budget_m=45),
    Org("MFBM", "Ministry of Finance, and Budget and Management", sector="governance", ppa_weight=2,
        median_budget_m=70),
    Org("MHSD", "Ministry of Human Settlements and Development", sector="infrastructure", ppa_weight=2,
        median_budget_m=110),
    Org("MILG", "Ministry of the Interior and Local Government", sector="governance", ppa_weight=3,
        median_budget_m=260),
    Org("MIPA", "Ministry of Indigenous Peoples' Affairs", sector="social", ppa_weight=4, median_budget_m=4),
    Org("MOH", "Ministry of Health", sector="social", ppa_weight=24, median_budget_m=55),
    Org("MOLE", "Ministry of Labor and Employment", sector="economic", ppa_weight=2, median_budget_m=40),
    Org("MOST", "Ministry of Science and Technology", sector="economic", ppa_weight=3, median_budget_m=50),
    Org("MOTC", "Ministry of Transportation and Communications", sector="infrastructure", ppa_weight=3,
        median_budget_m=70),
    Org("MPOS", "Ministry of Public Order and Safety", sector="peace_security", ppa_weight=3, median_budget_m=12),
    Org("MPW", "Ministry of Public Works", sector="infrastructure", ppa_weight=3, median_budget_m=1500),
    Org("MSSD", "Ministry of Social Services and Development", sector="social", ppa_weight=3, median_budget_m=420),
    Org("MTIT", "Ministry of Trade, Investments and Tourism", sector="economic", ppa_weight=2, median_budget_m=65),
    # 14 agencies attached to the Office of the Chief Minister
    Org("BPDA", "Bangsamoro Planning and Development Authority", group="attached", ppa_weight=2,
        median_budget_m=22, description=ATTACHED_TO_OCM),
    Org("BBOI", "Bangsamoro Board of Investments", group="attached", sector="economic", ppa_weight=1,
        median_budget_m=15, description=ATTACHED_TO_OCM),
    Org("BIO", "Bangsamoro Information Office", group="attached", ppa_weight=1, median_budget_m=35,
        description=ATTACHED_TO_OCM),
    Org("BICTO", "Bangsamoro Information and Communications Technology Office", group="attached",
        sector="infrastructure", ppa_weight=1, median_budget_m=60, description=ATTACHED_TO_OCM),
    Org("OSC", "Office for Settler Communities", group="attached", sector="social", ppa_weight=1,
        median_budget_m=18, description=ATTACHED_TO_OCM),
    Org("OOBC", "Office for Other Bangsamoro Communities", group="attached", sector="social", ppa_weight=0,
        median_budget_m=8, description=ATTACHED_TO_OCM),
    Org("BPA", "Bangsamoro Pilgrimage Authority", group="attached", sector="social", ppa_weight=2,
        median_budget_m=20, description=ATTACHED_TO_OCM),
    Org("DAB", "Development Academy of the Bangsamoro", group="attached", ppa_weight=2, median_budget_m=6,
        description=ATTACHED_TO_OCM),
    Org("BDI", "Bangsamoro Darul-Ifta'", group="attached", sector="social", ppa_weight=1, median_budget_m=140,
        description=ATTACHED_TO_OCM),
    Org("CSEA", "Cooperatives and Social Enterprise Authority", group="attached", sector="economic", ppa_weight=1,
        median_budget_m=22, description=ATTACHED_TO_OCM),
    Org("BWC", "Bangsamoro Women Commission", group="attached", sector="social", ppa_weight=2, median_budget_m=9,
        description=ATTACHED_TO_OCM),
    Org("BYC", "Bangsamoro Youth Commission", group="attached", sector="social", ppa_weight=2, median_budget_m=4,
        description=ATTACHED_TO_OCM),
    Org("BCPCH", "Bangsamoro Commission for the Preservation of Cultural Heritage", group="attached",
        sector="social", ppa_weight=2, median_budget_m=8, description=ATTACHED_TO_OCM),
    Org("BSC", "Bangsamoro Sports Commission", group="attached", sector="social", ppa_weight=1, median_budget_m=12,
        description=ATTACHED_TO_OCM),
    # 13 other entities
    Org("WALI", "Office of the Wali", group="other", ppa_weight=1, median_budget_m=15),
    Org("BHRC", "Bangsamoro Human Rights Commission", group="other", sector="peace_security", ppa_weight=1,
        median_budget_m=7),
    Org("BPMA", "Bangsamoro Ports Management Authority", group="other", sector="infrastructure"),
    Org("BDRRMC", "Bangsamoro Disaster Risk Reduction and Management Council", group="other", sector="environment"),
    Org("BEDC", "Bangsamoro Economic and Development Council", group="other", sector="economic"),
    Org("BRPOC", "Bangsamoro Regional Peace and Order Council", group="other", sector="peace_security"),
    Org("BSDB", "Bangsamoro Sustainable Development Board", group="other", sector="environment"),
    Org("BHB", "Bangsamoro Halal Board", group="other", sector="economic"),
    Org("BEB", "Bangsamoro Education Board", group="other", sector="social"),
    Org("BEZA", "Bangsamoro Economic Zone Authority", group="other", sector="economic"),
    Org("BMARINA", "Bangsamoro Maritime Industry Authority", group="other", sector="infrastructure"),
    Org("CABB", "Civil Aeronautics Board of the Bangsamoro", group="other", sector="infrastructure"),
    Org("CAAB", "Civil Aviation Authority of the Bangsamoro", group="other", sector="infrastructure"),
    # referenced by OBCMS PPAs although missing from the master list
    Org("BAGO", "Bangsamoro Attorney-General's Office", group="other", ppa_weight=1, median_budget_m=34),
    # non-BARMM partners
    Org("CGZ", "City Government of Zamboanga", organization_type="lgu", group="partner"),
    Org("PGLDN", "Provincial Government of Lanao del Norte", organization_type="lgu", group="partner"),
    Org("NCMF", "National Commission on Muslim Filipinos", organization_type="nga", group="partner"),
    Org("CFSI", "Community and Family Services International", organization_type="ngo", group="partner"),
    Org("UNDP", "United Nations Development Programme Philippines", organization_type="donor", group="partner"),
    Org("MSU", "Mindanao State University", organization_type="academic", group="partner"),
)

OOBC_ACRONYM = "OOBC"

OOBC_UNITS: tuple[str, ...] = (
    "Office of the Executive Director", "Planning and Budgeting Section", "Community Affairs Division",
    "Policy and Research Section", "Project Management Section", "Administrative and Finance Division",
)

# --------------------------------------------------------------------------------------------- geography

REGIONS: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("IX", "Zamboanga Peninsula", (122.55, 7.55)),
    ("X", "Northern Mindanao", (124.70, 8.35)),
    ("XI", "Davao Region", (125.80, 7.05)),
    ("XII", "SOCCSKSARGEN", (124.80, 6.55)),
)


@dataclass(frozen=True)
class ProvinceRef:
    """A province or a highly urbanised city modelled as a province, as OBCMS does."""

    region: str
    name: str
    capital: str
    population: int
    proximity: str  # to BARMM: adjacent | near | distant
    center: tuple[float, float]  # (lng, lat)
    municipalities: tuple[str, ...]
    ethnic_mix: tuple[tuple[str, float], ...]

    @property
    def is_huc(self) -> bool:
        return len(self.municipalities) == 1


_ZAMBO_MIX = (("kolibugan", 0.25), ("tausug", 0.25), ("sama", 0.15), ("meranaw", 0.1), ("maguindanaon", 0.1),
              ("iranun", 0.05), ("yakan", 0.03), ("other", 0.07))
_LANAO_MIX = (("meranaw", 0.8), ("iranun", 0.1), ("maguindanaon", 0.05), ("other", 0.05))
_NORTH_MIX = (("meranaw", 0.6), ("maguindanaon", 0.15), ("tausug", 0.1), ("iranun", 0.05), ("other", 0.1))
_DAVAO_MIX = (("kagan_kalagan", 0.35), ("maguindanaon", 0.25), ("tausug", 0.15), ("meranaw", 0.1), ("sangil", 0.05),
              ("other", 0.1))
_COTABATO_MIX = (("maguindanaon", 0.7), ("iranun", 0.15), ("meranaw", 0.1), ("other", 0.05))

PROVINCES: tuple[ProvinceRef, ...] = (
    # Region IX (Sulu listed here, as OBCMS does)
    ProvinceRef("IX", "Zamboanga del Norte", "Dipolog City", 1_070_000, "near", (122.65, 8.05), (
        "Dipolog City", "Dapitan City", "Baliguian", "Godod", "Gutalac", "Jose Dalman", "Kalawit", "Katipunan",
        "La Libertad", "Labason", "Leon B. Postigo", "Liloy", "Manukan", "Mutia", "Piñan", "Polanco",
        "President Manuel A. Roxas", "Rizal", "Salug", "Sergio Osmeña Sr.", "Siayan", "Sibuco", "Sibutad",
        "Sindangan", "Siocon", "Sirawai", "Tampilisan"), _ZAMBO_MIX),
    ProvinceRef("IX", "Zamboanga del Sur", "Pagadian City", 1_050_000, "near", (123.35, 7.85), (
        "Pagadian City", "Aurora", "Bayog", "Dimataling", "Dinas", "Dumalinao", "Dumingag", "Guipos", "Josefina",
        "Kumalarang", "Labangan", "Lakewood", "Lapuyan", "Mahayag", "Margosatubig", "Midsalip", "Molave", "Pitogo",
        "Ramon Magsaysay", "San Miguel", "San Pablo", "Sominot", "Tabina", "Tambulig", "Tigbao", "Tukuran",
        "Vincenzo A. Sagun"), _ZAMBO_MIX),
    ProvinceRef("IX", "City of Zamboanga", "City of Zamboanga", 1_000_000, "adjacent", (122.08, 6.92),
                ("City of Zamboanga",),
                (("tausug", 0.38), ("sama", 0.22), ("yakan", 0.1), ("badjao", 0.1), ("jama_mapun", 0.06),
                 ("kolibugan", 0.04), ("maguindanaon", 0.04), ("molbog", 0.02), ("palawani", 0.02), ("other", 0.02))),
    ProvinceRef("IX", "Zamboanga Sibugay", "Ipil", 670_000, "near", (122.70, 7.60), (
        "Ipil", "Alicia", "Buug", "Diplahan", "Imelda", "Kabasalan", "Mabuhay", "Malangas", "Naga", "Olutanga",
        "Payao", "Roseller Lim", "Siay", "Talusan", "Titay", "Tungawan"), _ZAMBO_MIX),
    ProvinceRef("IX", "City of Isabela", "City of Isabela", 130_000, "adjacent", (121.97, 6.70),
                ("City of Isabela",), (("yakan", 0.5), ("tausug", 0.3), ("sama", 0.2))),
    ProvinceRef("IX", "Sulu", "Jolo", 1_000_000, "adjacent", (121.00, 5.97), (
        "Jolo", "Banguingui", "Hadji Panglima Tahil", "Indanan", "Kalingalan Caluang", "Lugus", "Luuk", "Maimbung",
        "Old Panamao", "Omar", "Pandami", "Panglima Estino", "Pangutaran", "Parang", "Pata", "Patikul", "Siasi",
        "Talipao", "Tapul"), (("tausug", 0.85), ("sama", 0.08), ("badjao", 0.05), ("other", 0.02))),
    # Region X
    ProvinceRef("X", "Bukidnon", "Malaybalay City", 1_550_000, "near", (125.00, 8.05), (
        "Malaybalay City", "Valencia City", "Baungon", "Cabanglasan", "Damulog", "Dangcagan", "Don Carlos",
        "Impasug-ong", "Kadingilan", "Kalilangan", "Kibawe", "Kitaotao", "Lantapan", "Libona", "Malitbog",
        "Manolo Fortich", "Maramag", "Pangantucan", "Quezon", "San Fernando", "Sumilao", "Talakag"), _NORTH_MIX),
    ProvinceRef("X", "Lanao del Norte", "Tubod", 720_000, "adjacent", (123.90, 7.95), (
        "Tubod", "Bacolod", "Baloi", "Baroy", "Kapatagan", "Kauswagan", "Kolambugan", "Lala", "Linamon",
        "Magsaysay", "Maigo", "Matungao", "Munai", "Nunungan", "Pantao Ragat", "Pantar", "Poona Piagapo", "Salvador",
        "Sapad", "Sultan Naga Dimaporo", "Tagoloan", "Tangcal"), _LANAO_MIX),
    ProvinceRef("X", "City of Iligan", "City of Iligan", 360_000, "adjacent", (124.25, 8.23), ("City of Iligan",),
                _LANAO_MIX),
    ProvinceRef("X", "Misamis Occidental", "Oroquieta City", 610_000, "near", (123.70, 8.35), (
        "Oroquieta City", "Ozamiz City", "Tangub City", "Aloran", "Baliangao", "Bonifacio", "Calamba", "Clarin",
        "Concepcion", "Don Victoriano Chiongbian", "Jimenez", "Lopez Jaena", "Panaon", "Plaridel",
        "Sapang Dalaga", "Sinacaban", "Tudela"), _NORTH_MIX),
    ProvinceRef("X", "Misamis Oriental", "Cagayan de Oro", 960_000, "near", (124.85, 8.60), (
        "El Salvador City", "Gingoog City", "Alubijid", "Balingasag", "Balingoan", "Binuangan", "Claveria",
        "Gitagum", "Initao", "Jasaan", "Kinoguitan", "Lagonglong", "Laguindingan", "Libertad", "Lugait", "Magsaysay",
        "Manticao", "Medina", "Naawan", "Opol", "Salay", "Sugbongcogon", "Tagoloan", "Talisayan", "Villanueva"),
        _NORTH_MIX),
    ProvinceRef("X", "City of Cagayan de Oro", "City of Cagayan de Oro", 730_000, "near", (124.63, 8.45),
                ("City of Cagayan de Oro",), _NORTH_MIX),
    ProvinceRef("X", "Camiguin", "Mambajao", 92_000, "distant", (124.72, 9.17),
                ("Mambajao", "Catarman", "Guinsiliban", "Mahinog", "Sagay"), _NORTH_MIX),
    # Region XI
    ProvinceRef("XI", "Davao de Oro", "Nabunturan", 770_000, "distant", (126.05, 7.55), (
        "Nabunturan", "Compostela", "Laak", "Mabini", "Maco", "Maragusan", "Mawab", "Monkayo", "Montevista",
        "New Bataan", "Pantukan"), _DAVAO_MIX),
    ProvinceRef("XI", "Davao del Norte", "Tagum City", 1_120_000, "distant", (125.70, 7.45), (
        "Tagum City", "Panabo City", "Island Garden City of Samal", "Asuncion", "Braulio E. Dujali", "Carmen",
        "Kapalong", "New Corella", "San Isidro", "Santo Tomas", "Talaingod"), _DAVAO_MIX),
    ProvinceRef("XI", "Davao del Sur", "Digos City", 690_000, "near", (125.30, 6.75), (
        "Digos City", "Bansalan", "Hagonoy", "Kiblawan", "Magsaysay", "Malalag", "Matanao", "Padada", "Santa Cruz",
        "Sulop"), _DAVAO_MIX),
    ProvinceRef("XI", "Davao City", "Davao City", 1_800_000, "near", (125.45, 7.20), ("Davao City",), _DAVAO_MIX),
    ProvinceRef("XI", "Davao Occidental", "Malita", 320_000, "distant", (125.55, 6.10), (
        "Malita", "Don Marcelino", "Jose Abad Santos", "Santa Maria", "Sarangani"),
        (("sangil", 0.35), ("kagan_kalagan", 0.3), ("maguindanaon", 0.15), ("tausug", 0.1), ("other", 0.1))),
    ProvinceRef("XI", "Davao Oriental", "Mati City", 580_000, "distant", (126.30, 7.20), (
        "Mati City", "Baganga", "Banaybanay", "Boston", "Caraga", "Cateel", "Governor Generoso", "Lupon", "Manay",
        "San Isidro", "Tarragona"), _DAVAO_MIX),
    # Region XII
    ProvinceRef("XII", "Cotabato", "Kidapawan City", 1_300_000, "adjacent", (124.85, 7.20), (
        "Kidapawan City", "Alamada", "Aleosan", "Antipas", "Arakan", "Banisilan", "Carmen", "Kabacan", "Libungan",
        "M'lang", "Magpet", "Makilala", "Matalam", "Midsayap", "Pigcawayan", "Pikit", "President Roxas", "Tulunan"),
        _COTABATO_MIX),
    ProvinceRef("XII", "Sarangani", "Alabel", 560_000, "near", (125.10, 5.95), (
        "Alabel", "Glan", "Kiamba", "Maasim", "Maitum", "Malapatan", "Malungon"),
        (("sangil", 0.35), ("maguindanaon", 0.35), ("kagan_kalagan", 0.1), ("tausug", 0.1), ("other", 0.1))),
    ProvinceRef("XII", "South Cotabato", "Koronadal City", 980_000, "near", (124.85, 6.30), (
        "Koronadal City", "Banga", "Lake Sebu", "Norala", "Polomolok", "Santo Niño", "Surallah", "T'boli",
        "Tampakan", "Tantangan", "Tupi"),
        (("maguindanaon", 0.5), ("meranaw", 0.15), ("tausug", 0.1), ("sangil", 0.1), ("iranun", 0.05),
         ("other", 0.1))),
    ProvinceRef("XII", "City of General Santos", "City of General Santos", 700_000, "near", (125.17, 6.12),
                ("City of General Santos",),
                (("maguindanaon", 0.45), ("tausug", 0.15), ("meranaw", 0.15), ("sangil", 0.15), ("other", 0.1))),
    ProvinceRef("XII", "Sultan Kudarat", "Isulan", 850_000, "adjacent", (124.40, 6.55), (
        "Isulan", "Tacurong City", "Bagumbayan", "Columbio", "Esperanza", "Kalamansig", "Lambayong", "Lebak",
        "Lutayan", "Palimbang", "President Quirino", "Senator Ninoy Aquino"),
        (("maguindanaon", 0.7), ("iranun", 0.2), ("other", 0.1))),
)

# Common barangay names used after "Poblacion" when naming a municipality's barangays.
BARANGAY_NAMES: tuple[str, ...] = (
    "San Isidro", "San Jose", "San Roque", "Santa Cruz", "Santo Niño", "San Vicente", "San Antonio", "San Miguel",
    "San Pedro", "San Juan", "Santa Maria", "Santa Rosa", "Bagong Silang", "Bagumbayan", "Mabini", "Rizal",
    "Del Pilar", "Magsaysay", "Quezon", "Bonifacio", "Lourdes", "Kauswagan", "Buenavista", "Malinao", "Mabuhay",
    "Maligaya", "Masagana", "Libertad", "Tambo", "Talisay", "Lumbia", "Balintad", "Danatag", "Kalawag",
    "Taluksangay", "Tumaga", "Calarian", "Recodo", "Sinunuc", "Ayala", "Labuan", "Limpapa", "Manicahan",
    "Bunguiao", "Canelar", "Tetuan", "Putik", "Pasonanca", "Baliwasan", "Dulian", "Lantawan", "Sampaguita",
    "Maharlika", "New Visayas", "New Cebu", "New Antique", "Kapatagan", "Maranding", "Bualan", "Kilala", "Tinago",
    "Kibangay", "Lanipao", "Mahayahay", "Lapu-Lapu", "Katipunan", "Marawi", "Salvador", "Tubod", "Upper Bala",
    "Lower Bala", "Mataas na Lupa", "Mambuaya", "Camanga", "Pulangbato", "Dalipuga", "Tambacan", "Tibanga",
    "Hinaplanon", "Suarez", "Bagong Buhay", "Malipayon", "Mahinog", "Malaya", "Kiwalan", "Digkilaan", "Panoroganan",
    "Sta. Filomena", "Abuno", "Buru-un", "Ditucalan", "Luinab", "Maria Cristina", "Mandulog", "Rogongon",
    "Tipanoy", "Ubaldo Laya", "Bayanihan", "Datu Balong", "Kalilangan", "Tagpangi", "Kulaman", "Lun Masla",
    "Upper Kalaong", "Kablacan", "Tinagacan", "Buayan", "Calumpang", "Fatima", "Labangal", "Mabuhay Proper",
    "Tambler", "Bula", "Conel", "Apopong", "Sinawal", "Baluan", "Ligaya", "Olympog", "Upper Labay", "Katangawan",
    "Talomo", "Ma-a", "Bangkal", "Catalunan Grande", "Toril", "Calinan", "Marilog", "Paquibato", "Tibungco",
    "Lasang", "Bunawan", "Sasa", "Buhangin", "Tigatto", "Mandug", "Pampanga", "Daliao", "Lubogan", "Sirib",
)
BARANGAY_SUFFIXES: tuple[str, ...] = ("Proper", "Norte", "Sur", "East", "West", "Upper", "Lower", "I", "II", "III")

# ------------------------------------------------------------------------------------------ PPA vocabulary

PPA_TITLES: dict[str, tuple[str, ...]] = {
    "economic": (
        "Halal Industry Development Program", "Agri-Fishery Livelihood Assistance",
        "Bangsamoro Agricultural Modernization Support", "Cooperative Development and Capacity Building",
        "Micro, Small and Medium Enterprise Development", "Seaweed Production and Value Chain Support",
        "Skills Training and Employment Facilitation", "Coffee and Cacao Value Chain Development",
        "Community-Based Tourism Product Development", "Science and Technology-Based Livelihood Innovation",
        "Fisheries Production and Post-Harvest Facilities", "Trade Fair and Market Linkage for OBC Producers",
    ),
    "social": (
        "Scholarship Grants for Bangsamoro Students", "Madrasah Education Support Program",
        "Alternative Learning System for Out-of-School Youth", "Universal Health Care Implementation",
        "Medical and Dental Outreach Missions", "Maternal and Child Health and Nutrition",
        "Supplementary Feeding Program", "Assistance to Individuals in Crisis Situations",
        "Social Pension for Indigent Senior Citizens", "Women and Youth Empowerment Program",
        "Cultural Heritage Documentation and Preservation", "Hajj and Umrah Facilitation Services",
        "School-Based Management and Operation", "Teacher Training and Deployment",
        "Provision of Learning Materials and Equipment", "Human Resources for Health Deployment",
    ),
    "infrastructure": (
        "Construction of Farm-to-Market Roads", "Level II Potable Water System Projects",
        "Construction of Multi-Purpose Community Centers", "School Building Construction and Repair",
        "Rural Health Unit Construction and Upgrading", "Flood Control and Drainage Improvement",
        "Construction of Madrasah Classrooms", "Solar Street Lighting Installation",
        "Bridge Construction and Rehabilitation", "Shelter Assistance and Housing Units",
        "Port and Jetty Improvement", "Community Connectivity and Free Wi-Fi Sites",
    ),
    "environment": (
        "Mangrove Rehabilitation and Coastal Resource Management", "Community-Based Forest Management",
        "Disaster Risk Reduction and Management Capacity Building", "Climate Change Adaptation Projects",
        "Renewable Energy for Off-Grid Communities", "Solid Waste Management Support",
        "Watershed Protection and Reforestation",
    ),
    "governance": (
        "Bangsamoro Development Plan Monitoring and Evaluation", "Local Governance Capacity Development",
        "Moral Governance Orientation and Values Formation", "Public Financial Management Improvement",
        "Legislative and Policy Support Services", "Bangsamoro Information and Communication Campaigns",
        "E-Governance and Digital Transformation", "OBC Profiling and Database Development",
        "Coordination with Host LGUs and National Government Agencies", "Legal Assistance and Advisory Services",
    ),
    "peace_security": (
        "Peace and Order Program for OBC Areas", "Conflict Resolution and Rido Settlement",
        "Transformation Program for Former Combatants", "Community Policing and Public Safety Support",
        "Preventing and Countering Violent Extremism", "Normalization Support for Decommissioned Combatants",
        "Human Rights Awareness and Protection",
    ),
}

# Typical PPAs of the offices that implement most of them (other offices draw from their sector's list).
ORG_PPA_TITLES: dict[str, tuple[str, ...]] = {
    "MBHTE": ("School-Based Management and Operation", "Teacher Training and Deployment",
              "Provision of Learning Materials and Equipment", "Scholarship Grants for Bangsamoro Students",
              "Madrasah Education Support Program", "Alternative Learning System for Out-of-School Youth",
              "School Building Construction and Repair", "Technical-Vocational Education and Training"),
    "MOH": ("Universal Health Care Implementation", "Medical and Dental Outreach Missions",
            "Maternal and Child Health and Nutrition", "Human Resources for Health Deployment",
            "Rural Health Unit Construction and Upgrading", "Expanded Program on Immunization",
            "Tuberculosis Control Program", "Provision of Medicines and Medical Supplies",
            "Health Facility Enhancement Program", "Family Health and Responsible Parenthood",
            "Epidemiology and Disease Surveillance", "Ayudang Medikal mula sa Bangsamoro Government (AMBAG)"),
    "MPW": ("Construction of Farm-to-Market Roads", "Bridge Construction and Rehabilitation",
            "Flood Control and Drainage Improvement", "Construction of Multi-Purpose Community Centers",
            "Road Concreting and Rehabilitation", "Level II Potable Water System Projects"),
    "MSSD": ("Assistance to Individuals in Crisis Situations", "Social Pension for Indigent Senior Citizens",
             "Supplementary Feeding Program", "Sustainable Livelihood Program",
             "Disaster Response and Relief Operations",
             "Protective Services for Children and Vulnerable Groups"),
    "MAFAR": ("Agri-Fishery Livelihood Assistance", "Bangsamoro Agricultural Modernization Support",
              "Seaweed Production and Value Chain Support", "Coffee and Cacao Value Chain Development",
              "Fisheries Production and Post-Harvest Facilities", "Rice Production Enhancement Program",
              "Support to Agrarian Reform Beneficiaries"),
    "OCM": ("Bangsamoro Development Plan Monitoring and Evaluation",
            "Moral Governance Orientation and Values Formation",
            "Program Tabang (Assistance to Communities)", "Kapayapaan sa Pamayanan Program",
            "Special Development Fund Projects", "Executive Support and Coordination Services"),
    "MILG": ("Local Governance Capacity Development", "Support to Barangay Development",
             "Peace and Order Council Support", "Bangsamoro Local Government Code Roll-out"),
    "MTIT": ("Micro, Small and Medium Enterprise Development", "Community-Based Tourism Product Development",
             "Halal Industry Development Program", "Trade Fair and Market Linkage for OBC Producers"),
    "MOLE": ("Skills Training and Employment Facilitation", "Emergency Employment Program",
             "Assistance to Overseas Workers and Their Families"),
    "MOST": ("Science and Technology-Based Livelihood Innovation", "Science and Technology Scholarship",
             "Community Empowerment through Science and Technology"),
    "MOTC": ("Port and Jetty Improvement", "Community Connectivity and Free Wi-Fi Sites",
             "Land Transportation Services"),
    "MHSD": ("Shelter Assistance and Housing Units", "Settlement Development and Site Preparation"),
    "MIPA": ("Indigenous Peoples' Welfare Services", "Ancestral Domain Delineation Support",
             "Indigenous Peoples' Education Assistance"),
    "BPA": ("Hajj and Umrah Facilitation Services", "Pilgrims' Orientation and Welfare"),
    "BWC": ("Women Empowerment and Gender and Development Program", "Violence against Women Prevention"),
    "BYC": ("Youth Leadership and Volunteerism Program", "Youth Development Grants"),
    "BCPCH": ("Cultural Heritage Documentation and Preservation", "Bangsamoro Heritage Sites Restoration"),
    "BSC": ("Bangsamoro Sports Development Program", "Bangsamoro Sports Regulation"),
}

REQUEST_TITLES: tuple[str, ...] = (
    "Request for Potable Water System", "Request for Madrasah Building", "Request for Livelihood Starter Kits",
    "Request for Scholarship Slots", "Request for Solar Dryer and Post-Harvest Facility",
    "Request for Medical Mission", "Request for Farm Inputs and Seedlings", "Request for Community Center",
    "Request for Fishing Boats and Gear", "Request for Relief Assistance after Flooding",
    "Request for Skills Training on Halal Food Processing", "Request for Road Concreting",
)

OUTCOME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "economic": ("Increase in household income of beneficiaries", "Number of enterprises sustained after 1 year",
                 "Increase in production volume"),
    "social": ("Completion rate of scholars", "Percentage of facility-based deliveries",
               "Reduction in malnutrition among children under five", "Enrolled scholars (2025-2026)"),
    "infrastructure": ("Households with access to potable water", "Reduction in travel time to markets",
                       "Classrooms in use"),
    "environment": ("Hectares of mangroves rehabilitated", "LGUs with approved DRRM plans",
                    "Households reached by early warning"),
    "governance": ("Offices with functional M&E systems", "Percentage of budget utilised",
                   "OBC representatives in local special bodies"),
    "peace_security": ("Rido cases settled", "Former combatants with sustained livelihood",
                       "Reduction in reported violent incidents"),
}
OUTPUT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "economic": ("Beneficiaries trained", "Starter kits distributed", "Cooperatives assisted", "Trade fairs held"),
    "social": ("Scholars supported", "Patients served", "Health workers deployed", "Learners enrolled",
               "Families assisted"),
    "infrastructure": ("Water systems completed", "Kilometres of road concreted", "Classrooms constructed",
                       "Community centers completed"),
    "environment": ("Seedlings planted", "Trainings conducted", "Evacuation centers equipped"),
    "governance": ("Policies drafted", "Staff trained", "Monitoring reports submitted", "Consultations held"),
    "peace_security": ("Dialogues conducted", "Peace covenants signed", "Barangay peace teams organised"),
}
# Targets as OBCMS holds them: numbers, percentages, prose with breakdowns and blanks.
MESSY_TARGETS: tuple[object, ...] = (
    "80%", 1052, "810 (Physicians: 10, Nurses: 800)", None, "100%", 25, "95%", "1,200 households", 12.5, "",
    "At least 3 per province", 300, "70% of enrolled learners", 48, "2 (1 per semester)",
)

GOAL_ALIGNMENT_TAGS: tuple[str, ...] = (
    "BDP 2023-2028", "12-Point Priority Agenda", "PDP 2023-2028", "SDG 1", "SDG 3", "SDG 4", "SDG 6", "SDG 8",
    "SDG 16", "Moral Governance", "Bangsamoro Peace Agenda", "Climate Change Adaptation",
)
MORAL_GOVERNANCE_PILLARS: tuple[str, ...] = (
    "Integrity and Accountability", "Transparency", "Inclusivity and Participation", "Efficiency and Effectiveness",
    "Justice and Fairness", "Service to the People",
)
FUNDING_SOURCE_OTHER: tuple[str, ...] = (
    "LGU counterpart", "Private sector donation", "Zakat and waqf contributions", "Congressional initiative",
)

# --------------------------------------------------------------------------------------------- MANA

# name, sector, weight factor (OBCMS intends 0.1–2.0), active
NEEDS_CATEGORIES: tuple[tuple[str, str, float, bool], ...] = (
    ("Access to Education", "education", 1.50, True),
    ("Madrasah and Islamic Education", "education", 1.30, True),
    ("Livelihood and Employment", "economic_development", 1.40, True),
    ("Halal Enterprise Development", "economic_development", 1.00, True),
    ("Social Protection and Welfare", "social_development", 1.20, True),
    ("Cultural Heritage and Identity", "cultural_development", 0.80, True),
    ("Water, Sanitation and Hygiene", "infrastructure", 1.60, True),
    ("Roads and Access Infrastructure", "infrastructure", 1.10, True),
    ("Health Services", "health", 1.80, True),
    ("Community Governance and Participation", "governance", 0.90, True),
    ("Environment and Disaster Resilience", "environment", 1.20, True),
    ("Peace and Security", "security", 1.00, True),
    ("Other Community Concerns", "social_development", 0.50, False),
)
NEED_TITLES: dict[str, tuple[str, ...]] = {
    "education": ("Lack of classrooms", "High drop-out rate among OBC learners", "No nearby secondary school",
                  "Need for scholarship support", "Shortage of asatidz", "Madrasah without permanent building"),
    "economic_development": ("Lack of livelihood opportunities", "No access to credit", "Need for farm inputs",
                             "No halal certification support", "Post-harvest losses", "Need for fishing gear"),
    "social_development": ("Unregistered births and missing civil documents", "Indigent senior citizens",
                           "Out-of-school youth", "Persons with disability without assistance"),
    "cultural_development": ("Loss of traditional crafts", "No venue for cultural activities"),
    "infrastructure": ("No potable water supply", "Impassable access road", "No electricity in sitio",
                       "No evacuation center", "Damaged footbridge"),
    "health": ("No barangay health station", "Malnutrition among children", "Lack of medicines",
               "No PhilHealth coverage", "Lack of maternal care services"),
    "governance": ("Low OBC participation in barangay affairs", "No OBC representation in local bodies"),
    "environment": ("Frequent flooding", "Coastal erosion", "Landslide-prone settlement"),
    "security": ("Unresolved clan conflict (rido)", "Presence of armed groups", "Need for peace dialogue"),
}

# ------------------------------------------------------------------------------------------ policies

# reference, title, category, core type, scope, status, priority, importance, urgency, type, cost (millions)
POLICY_SEEDS: tuple[tuple[str, str, str, str, str, str, str, str, str, str, float], ...] = (
    ("OOBC-REC-001", "Expand BARMM scholarship access for OBC students in higher and technical education",
     "social_development", "scholarships", "regional", "in_implementation", "high", "high", "high", "program", 120),
    ("OOBC-REC-002", "Support madaris and asatidz serving Bangsamoro communities outside BARMM",
     "cultural_development", "madaris_support", "regional", "approved", "high", "high", "low", "program", 85),
    ("OOBC-REC-003", "Develop halal enterprises and certification support for OBC entrepreneurs",
     "economic_development", "halal_enterprise", "regional", "implemented", "medium", "high", "low", "program", 60),
    ("OOBC-REC-004", "Extend BARMM social protection and welfare services to OBC households",
     "promotion_of_welfare", "social_services", "regional", "in_implementation", "urgent", "high", "high",
     "service", 150),
    ("OOBC-REC-005", "Preserve and promote Bangsamoro cultural heritage in host provinces",
     "cultural_development", "cultural_development", "provincial", "approved", "medium", "low", "low", "program", 25),
    ("OOBC-REC-006", "Empower OBC women and youth through leadership and livelihood programs",
     "social_development", "women_youth", "regional", "under_review", "high", "high", "low", "program", 40),
    ("OOBC-REC-007", "Promote community-based tourism in OBC areas",
     "economic_development", "tourism", "municipal", "submitted", "low", "low", "low", "program", 18),
    ("OOBC-REC-008", "Provide basic infrastructure for OBC communities: water, access roads and community centers",
     "rehabilitation_development", "infrastructure", "regional", "implemented", "urgent", "high", "high", "program",
     480),
    ("OOBC-REC-009", "Institutionalise OBC participation in Bangsamoro governance and consultative bodies",
     "protection_of_rights", "governance_participation", "regional", "under_consideration", "high", "high", "low",
     "policy", 5),
    ("OOBC-REC-010", "Strengthen partnerships with host LGUs and national agencies for OBC service delivery",
     "comprehensive", "institutional_partnerships", "national", "approved", "medium", "high", "low", "policy", 12),
    ("OOBC-REC-011", "Establish Bangsamoro community desks in host provinces",
     "comprehensive", "other", "provincial", "draft", "medium", "low", "high", "service", 30),
)
POLICY_EXTRA_TITLES: tuple[str, ...] = (
    "Mainstream OBC concerns in provincial development plans", "Issue OBC identification and registry guidelines",
    "Provide legal aid for OBC land tenure cases", "Set up psychosocial support for displaced OBC families",
    "Adopt a halal-friendly procurement policy", "Create a madrasah teacher subsidy",
    "Institutionalise rido settlement",
    "Support OBC fisherfolk associations", "Establish an OBC scholarship endowment",
    "Standardise MANA data collection", "Expand PhilHealth enrolment of indigent OBCs",
    "Promote Arabic language and Islamic values education", "Create an OBC youth leadership academy",
)

# ------------------------------------------------------------------------------------ outcome indicators

OUTCOME_INDICATORS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("education", "Number of OBC scholars enrolled", "persons", "SDG 4", True),
    ("education", "Completion rate of OBC scholars", "percent", "SDG 4", True),
    ("education", "Number of madaris supported", "madaris", "SDG 4", True),
    ("health", "OBC individuals enrolled in PhilHealth", "persons", "SDG 3", True),
    ("health", "Facility-based deliveries in OBC communities", "percent", "SDG 3", True),
    ("health", "Children under five reached by nutrition services", "children", "SDG 2", True),
    ("livelihood", "OBC households with a new income source", "households", "SDG 1", True),
    ("livelihood", "Halal-certified OBC enterprises", "enterprises", "SDG 8", True),
    ("livelihood", "Average increase in beneficiary household income", "percent", "SDG 1", True),
    ("governance", "OBC representatives in local special bodies", "persons", "SDG 16", True),
    ("governance", "Partnership agreements signed with host LGUs", "agreements", "SDG 17", True),
    ("infrastructure", "OBC households with access to potable water", "households", "SDG 6", True),
    ("infrastructure", "Kilometres of access roads completed", "km", "SDG 9", True),
    ("infrastructure", "Community centers constructed", "facilities", "SDG 11", True),
    ("social_protection", "OBC families receiving cash assistance", "families", "SDG 1", True),
    ("social_protection", "Senior citizens and PWDs assisted", "persons", "SDG 10", True),
    ("environment", "Hectares of mangroves rehabilitated", "hectares", "SDG 14", True),
    ("environment", "Barangay DRRM plans adopted", "plans", "SDG 13", True),
    ("peace_security", "Rido cases settled through customary mechanisms", "cases", "SDG 16", True),
    ("peace_security", "Former combatants assisted", "persons", "SDG 16", True),
    ("other", "Cultural events held with OBC participation", "events", "", False),
)

# ------------------------------------------------------------------------------------ strategic goals

# title, sector, priority, rdp reference ("" for goals outside the BDP), lead agency acronym
STRATEGIC_GOALS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Moral governance and a capable, accountable Bangsamoro bureaucracy", "governance", "critical",
     "BDP 2023-2028 Goal 1", "BPDA"),
    ("Sustained peace, security and normalization", "peace", "critical", "BDP 2023-2028 Goal 2", "MPOS"),
    ("Inclusive and sustainable economic growth led by agriculture, fisheries and the halal industry",
     "livelihood", "high", "BDP 2023-2028 Goal 3", "MAFAR"),
    ("Accessible, relevant and quality education and human capital", "education", "critical",
     "BDP 2023-2028 Goal 4", "MBHTE"),
    ("Universal access to quality health and nutrition services", "health", "critical", "BDP 2023-2028 Goal 5",
     "MOH"),
    ("Responsive social protection for the poor and vulnerable", "social_protection", "high",
     "BDP 2023-2028 Goal 6", "MSSD"),
    ("Strategic infrastructure and connectivity for balanced regional development", "infrastructure", "high",
     "BDP 2023-2028 Goal 7", "MPW"),
    ("Environmental integrity, climate resilience and disaster risk reduction", "environment", "medium",
     "BDP 2023-2028 Goal 8", "MENRE"),
    ("Preserved and promoted Bangsamoro identity, culture and heritage", "cultural", "medium",
     "BDP 2023-2028 Goal 9", "BCPCH"),
    ("Bangsamoro communities outside BARMM served through strong partnerships with host LGUs", "governance",
     "high", "", "OOBC"),
    ("OBC-inclusive SDG localisation in host provinces", "social_protection", "medium", "", "OOBC"),
    ("Digital OBC profiling and evidence-based planning", "governance", "low", "", "OOBC"),
)

# --------------------------------------------------------------------------------------- work items

WORK_ACTIVITIES: tuple[str, ...] = (
    "Community consultation and validation", "Procurement of supplies and materials",
    "Beneficiary profiling and validation", "Skills training for beneficiaries", "Distribution of starter kits",
    "Medical and dental outreach", "Orientation of partner LGUs", "Civil works implementation",
    "Monitoring and evaluation visits", "Stakeholders' forum", "Baseline data gathering",
    "Awarding and turnover ceremony", "Capacity-building workshop", "Coordination meeting with the host LGU",
    "Delivery of learning materials", "Technical assistance to cooperatives", "Site inspection and validation",
    "Information and advocacy campaign", "Processing of grants and honoraria", "Documentation and reporting",
)
WORK_TASKS: tuple[str, ...] = (
    "Prepare purchase request", "Validate list of beneficiaries", "Draft activity design", "Prepare terms of reference",
    "Submit liquidation report", "Consolidate accomplishment report", "Prepare program of work",
    "Collect attendance sheets", "Conduct inspection and acceptance", "Process disbursement voucher",
    "Sign memorandum of agreement", "Compile photo documentation", "Secure venue and logistics",
    "Send invitation letters", "Canvass suppliers", "Post notice of award", "Encode data into OBCMS",
    "Prepare obligation request", "Coordinate with barangay officials", "Pre-test survey questionnaire",
)
SUB_PROJECT_TITLES: tuple[str, ...] = (
    "Capacity Building Component", "Infrastructure Component", "Service Delivery Component",
    "Monitoring and Evaluation Component", "Community Organising Component", "Procurement Component",
)
STANDALONE_PROJECTS: tuple[str, ...] = (
    "OOBC Strategic Planning Workshop", "OBC Database Clean-up", "Quarterly Coordination Meetings",
    "Annual Report Preparation", "Staff Development Program", "Office Relocation",
)

# --------------------------------------------------------------------------------------------- people

FIRST_NAMES: tuple[str, ...] = (
    "Abdul", "Mohammad", "Ahmad", "Ali", "Hassan", "Ibrahim", "Ismael", "Jamal", "Yusoph", "Omar", "Nasser",
    "Samsudin", "Amina", "Fatima", "Noraida", "Jamila", "Sittie", "Aisah", "Bai", "Norhaya", "Rohaima", "Saima",
    "Maria", "Jose", "Ramon", "Liza",
)
LAST_NAMES: tuple[str, ...] = (
    "Abdulrahman", "Abubakar", "Adam", "Alim", "Amil", "Bakar", "Daud", "Hamid", "Hashim", "Jalil", "Kasim",
    "Latif", "Macarambon", "Mamintal", "Musa", "Salik", "Sulayman", "Tahir", "Usman", "Dela Cruz", "Santos",
    "Lumabao", "Sarip", "Guiamad", "Tanggol",
)
POSITIONS: tuple[str, ...] = (
    "Barangay Captain", "Community Leader", "Imam", "Women's Association President", "Youth Leader",
    "Municipal Focal Person", "Sangguniang Barangay Member", "Cooperative Chairperson",
)
