// graphfraud graph schema: uniqueness constraints on every id, then lookup indexes.
// Run before any load (`graphfraud load` does); every statement is idempotent.

CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.person_id IS UNIQUE;
CREATE CONSTRAINT doctor_id IF NOT EXISTS FOR (n:Doctor) REQUIRE n.doctor_id IS UNIQUE;
CREATE CONSTRAINT facility_id IF NOT EXISTS FOR (n:Facility) REQUIRE n.facility_id IS UNIQUE;
CREATE CONSTRAINT pharmacy_id IF NOT EXISTS FOR (n:Pharmacy) REQUIRE n.pharmacy_id IS UNIQUE;
CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.claim_id IS UNIQUE;
CREATE CONSTRAINT phone IF NOT EXISTS FOR (n:Phone) REQUIRE n.phone IS UNIQUE;
CREATE CONSTRAINT address IF NOT EXISTS FOR (n:Address) REQUIRE n.address IS UNIQUE;
CREATE CONSTRAINT ring_id IF NOT EXISTS FOR (n:Ring) REQUIRE n.ring_id IS UNIQUE;
CREATE CONSTRAINT case_note_id IF NOT EXISTS FOR (n:CaseNote) REQUIRE n.note_id IS UNIQUE;
CREATE CONSTRAINT load_state_key IF NOT EXISTS FOR (n:GraphfraudLoad) REQUIRE n.key IS UNIQUE;

CREATE INDEX claim_start_time IF NOT EXISTS FOR (n:Claim) ON (n.start_time);
CREATE INDEX claim_terminal IF NOT EXISTS FOR (n:Claim) ON (n.terminal_id);
CREATE INDEX ring_rank IF NOT EXISTS FOR (n:Ring) ON (n.rank);
CREATE INDEX ring_alert IF NOT EXISTS FOR (n:Ring) ON (n.alert);
CREATE INDEX ring_status IF NOT EXISTS FOR (n:Ring) ON (n.status);
CREATE INDEX member_role IF NOT EXISTS FOR ()-[m:MEMBER_OF]-() ON (m.role);
