import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ContactField } from '../../contracts/events/membership.events';
import { type ListableMember, Listability } from '../../src/contact-lists/listability';
import { versionKey } from '../disclosure-log/disclosure-entry';
import {
  CLUSTERS,
  CORRECTIONS,
  type CorrectionRow,
  DIAGNOSES,
  deleteRows,
  GROUPS,
  insertRows,
  LIST_DISPATCHES,
  type ListDispatchRow,
  loadRows,
  MEMBERS,
  NEWCOMERS,
  type NewcomerRow,
  NOTICES,
  type NoticeRow,
  SAVE_TABLE,
  type TableSpec,
  upsertRows,
  VERSION_ENTRIES,
  type VersionEntryRow,
  VIEWS,
  type ViewRow,
} from './planner-tables';

/** What the rules read of a version's entry (its digest and its version are not kept in memory). */
export type ShownEntry = Pick<VersionEntryRow, 'subject_id' | 'ordinal' | 'ordinal_gl' | 'fields' | 'greenland'>;

/** A table's rows by key, and which of them changed since they were last written. */
class MemoryTable<Row> {
  private readonly rows = new Map<string, Row>();
  private readonly changed = new Set<string>();
  /** Rows removed since the last write, by key. */
  private readonly removed = new Map<string, Row>();

  constructor(readonly spec: TableSpec<Row>) {}

  keyOf(row: Partial<Row>): string {
    return this.spec.key.map((column) => String(row[column])).join('|');
  }

  get(key: string): Row | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  values(): IterableIterator<Row> {
    return this.rows.values();
  }

  /** A new row, or a changed one (also one changed in place). */
  put(row: Row): void {
    const key = this.keyOf(row);
    this.rows.set(key, row);
    this.changed.add(key);
    this.removed.delete(key);
  }

  remove(key: string): void {
    const row = this.rows.get(key);
    if (row === undefined) return;
    this.rows.delete(key);
    this.changed.delete(key);
    this.removed.set(key, row);
  }

  /** Rows as the table holds them: nothing to write. */
  restore(rows: readonly Row[]): void {
    for (const row of rows) this.rows.set(this.keyOf(row), row);
  }

  async write(tx: EntityManager): Promise<boolean> {
    if (this.changed.size === 0 && this.removed.size === 0) return false;
    await deleteRows(this.spec, [...this.removed.values()], tx);
    await upsertRows(this.spec, [...this.changed].map((key) => this.rows.get(key) as Row), tx);
    this.changed.clear();
    this.removed.clear();
    return true;
  }
}

export const pairKey = (recipientId: string, subjectId: string): string => `${recipientId}|${subjectId}`;

/**
 * The contact-list planner's whole state in memory: the rows of its tables, what its rules look
 * up by (the entries of each version, the dispatches of each version, who viewed whom, ...) and
 * the listability fold of every member. The planner decides each batch here and then writes the
 * rows that changed, once per table, in the transaction of its checkpoint. The tables stay the
 * durable copy, and what the contact-list sender reads: a planner whose memory may differ from
 * them (it just started, its last write was rolled back, another instance wrote since) loads
 * them again: each write leaves a new save id beside the tables, and the memory keeps the one it
 * wrote (`saveId`).
 */
export class PlannerMemory {
  readonly members = new MemoryTable(MEMBERS);
  readonly clusters = new MemoryTable(CLUSTERS);
  readonly diagnoses = new MemoryTable(DIAGNOSES);
  readonly groups = new MemoryTable(GROUPS);
  readonly newcomers = new MemoryTable(NEWCOMERS);
  readonly views = new MemoryTable(VIEWS);
  readonly corrections = new MemoryTable(CORRECTIONS);
  readonly notices = new MemoryTable(NOTICES);
  private readonly tables = [
    this.members,
    this.clusters,
    this.diagnoses,
    this.groups,
    this.newcomers,
    this.views,
    this.corrections,
    this.notices,
  ] as const;

  /** Who may be listed: every member's facts, and the cluster links. */
  readonly fold: Listability;
  /**
   * The versions' entries and who got which version are the bulk of the state and never change
   * once recorded: kept only as the rules look them up (ids interned), and written once.
   */
  private readonly entriesOfVersion = new Map<string, Map<string, ShownEntry>>();
  private readonly versionsOfSubject = new Map<string, Set<string>>();
  private readonly dispatchesOfVersion = new Map<string, ListDispatchRow[]>();
  private readonly dispatchIds = new Set<string>();
  private readonly newEntries: VersionEntryRow[] = [];
  private readonly newDispatches: ListDispatchRow[] = [];
  /** One copy of each id (and version key) and each list of fields, however many rows show it. */
  private readonly interned = new Map<string, string>();
  private readonly internedFields = new Map<string, ContactField[]>();
  /** subjectId -> the recipients who viewed them. */
  private readonly viewersOf = new Map<string, Set<string>>();
  /** recipientId -> the subjects of their corrections. */
  private readonly correctionsOf = new Map<string, Set<string>>();
  /** recipient|subject|list reference of every planned notice. */
  private readonly noticedCopies = new Set<string>();
  private readonly newcomersOfMember = new Map<string, Set<string>>();
  private readonly newcomersOfGroup = new Map<string, Set<string>>();

  private constructor(
    /** The id of the write after which the tables held what this memory holds (null: never written). */
    public saveId: string | null,
    /** clusterId -> its diagnoses. */
    readonly links: Map<string, Set<string>>,
    facts: ListableMember[],
  ) {
    this.fold = Listability.restore(
      facts,
      [...links].map(([clusterId, diagnosisIds]) => ({ clusterId, diagnosisIds: [...diagnosisIds] })),
    );
  }

  /** The id of the tables' last write (null: never written, or emptied since). */
  static async saveId(tx: EntityManager): Promise<string | null> {
    const rows: Array<{ save_id: string }> = await tx.query(`SELECT save_id::text FROM ${SAVE_TABLE}`);
    return rows[0]?.save_id ?? null;
  }

  static async load(tx: EntityManager): Promise<PlannerMemory> {
    const saveId = await PlannerMemory.saveId(tx);
    const members = await loadRows(MEMBERS, tx);
    const clusters = await loadRows(CLUSTERS, tx);
    const links = new Map<string, Set<string>>();
    for (const row of clusters) links.set(row.cluster_id, (links.get(row.cluster_id) ?? new Set()).add(row.diagnosis_id));
    const memory = new PlannerMemory(saveId, links, members.map((row) => row.facts));
    memory.members.restore(members);
    memory.clusters.restore(clusters);
    memory.diagnoses.restore(await loadRows(DIAGNOSES, tx));
    memory.groups.restore(await loadRows(GROUPS, tx));
    const newcomers = await loadRows(NEWCOMERS, tx);
    memory.newcomers.restore(newcomers);
    for (const row of newcomers) memory.indexNewcomer(row);
    for (const row of await loadRows(VERSION_ENTRIES, tx, ['diagnosis_id', 'version', 'subject_id', 'ordinal', 'ordinal_gl', 'fields', 'greenland'])) {
      memory.indexVersionEntry(row.diagnosis_id, row.version, row);
    }
    for (const row of await loadRows(LIST_DISPATCHES, tx)) memory.indexListDispatch(row);
    const views = await loadRows(VIEWS, tx);
    memory.views.restore(views);
    for (const row of views) memory.indexView(row);
    const corrections = await loadRows(CORRECTIONS, tx);
    memory.corrections.restore(corrections);
    for (const row of corrections) memory.indexCorrection(row);
    const notices = await loadRows(NOTICES, tx);
    memory.notices.restore(notices);
    for (const row of notices) memory.indexNotice(row);
    return memory;
  }

  /** Writes every changed row, under a new save id. */
  async save(tx: EntityManager): Promise<void> {
    let wrote = this.newEntries.length > 0 || this.newDispatches.length > 0;
    await insertRows(VERSION_ENTRIES, this.newEntries.splice(0), tx);
    await insertRows(LIST_DISPATCHES, this.newDispatches.splice(0), tx);
    for (const table of this.tables) wrote = (await table.write(tx)) || wrote;
    if (!wrote) return;
    const saveId = randomUUID();
    await tx.query(`INSERT INTO ${SAVE_TABLE} (only_row, save_id) VALUES (true, $1) ON CONFLICT (only_row) DO UPDATE SET save_id = EXCLUDED.save_id`, [saveId]);
    this.saveId = saveId;
  }

  // Cluster links.

  /** Records a link; true when it is new. */
  addLink(clusterId: string, diagnosisId: string): boolean {
    const row = { cluster_id: clusterId, diagnosis_id: diagnosisId };
    if (this.clusters.has(this.clusters.keyOf(row))) return false;
    this.clusters.put(row);
    this.links.set(clusterId, (this.links.get(clusterId) ?? new Set()).add(diagnosisId));
    return true;
  }

  // Newcomers.

  putNewcomer(row: NewcomerRow): void {
    this.newcomers.put(row);
    this.indexNewcomer(row);
  }

  removeNewcomer(diagnosisId: string, memberId: string): void {
    this.newcomers.remove(this.newcomers.keyOf({ diagnosis_id: diagnosisId, member_id: memberId }));
    this.newcomersOfMember.get(memberId)?.delete(diagnosisId);
    this.newcomersOfGroup.get(diagnosisId)?.delete(memberId);
  }

  /** The groups where a member is news. */
  newsOf(memberId: string): string[] {
    return [...(this.newcomersOfMember.get(memberId) ?? [])];
  }

  /** The members who are news in a group. */
  newcomersIn(diagnosisId: string): string[] {
    return [...(this.newcomersOfGroup.get(diagnosisId) ?? [])];
  }

  // List versions and who got them.

  addVersionEntry(row: VersionEntryRow): void {
    if (this.entriesOf(row.diagnosis_id, row.version).has(row.subject_id)) return;
    this.newEntries.push(row);
    this.indexVersionEntry(row.diagnosis_id, row.version, row);
  }

  /** A version's entries by member (empty for a version the planner never saw). */
  entriesOf(diagnosisId: string, version: number): ReadonlyMap<string, ShownEntry> {
    return this.entriesOfVersion.get(versionKey(diagnosisId, version)) ?? new Map();
  }

  /** The versions (as versionKey) whose entries show a member. */
  versionsShowing(subjectId: string): ReadonlySet<string> {
    return this.versionsOfSubject.get(subjectId) ?? new Set();
  }

  /** Records a dispatch; false when it was recorded before. */
  addListDispatch(row: ListDispatchRow): boolean {
    if (this.dispatchIds.has(row.dispatch_id)) return false;
    this.newDispatches.push(row);
    this.indexListDispatch(row);
    return true;
  }

  /** A version's dispatches. */
  dispatchesOf(key: string): readonly ListDispatchRow[] {
    return this.dispatchesOfVersion.get(key) ?? [];
  }

  // Views.

  putView(row: ViewRow): void {
    this.views.put(row);
    this.indexView(row);
  }

  /** The recipients whose latest view of a member is recorded. */
  viewersOfMember(subjectId: string): ReadonlySet<string> {
    return this.viewersOf.get(subjectId) ?? new Set();
  }

  // Corrections and notices.

  putCorrection(row: CorrectionRow): void {
    this.corrections.put(row);
    this.indexCorrection(row);
  }

  /** The subjects of a recipient's corrections, pending or not. */
  correctionSubjectsOf(recipientId: string): ReadonlySet<string> {
    return this.correctionsOf.get(recipientId) ?? new Set();
  }

  /** Records a planned notice; false when it was planned before. */
  addNotice(row: NoticeRow): boolean {
    if (this.notices.has(row.dispatch_id)) return false;
    this.notices.put(row);
    this.indexNotice(row);
    return true;
  }

  hasNoticeFor(recipientId: string, subjectId: string, listReference: string): boolean {
    return this.noticedCopies.has(`${recipientId}|${subjectId}|${listReference}`);
  }

  private indexNewcomer(row: NewcomerRow): void {
    this.newcomersOfMember.set(row.member_id, (this.newcomersOfMember.get(row.member_id) ?? new Set()).add(row.diagnosis_id));
    this.newcomersOfGroup.set(row.diagnosis_id, (this.newcomersOfGroup.get(row.diagnosis_id) ?? new Set()).add(row.member_id));
  }

  private indexVersionEntry(diagnosisId: string, version: number, row: ShownEntry): void {
    const key = this.intern(versionKey(diagnosisId, version));
    let entries = this.entriesOfVersion.get(key);
    if (!entries) this.entriesOfVersion.set(key, (entries = new Map()));
    const subjectId = this.intern(row.subject_id);
    entries.set(subjectId, { subject_id: subjectId, ordinal: row.ordinal, ordinal_gl: row.ordinal_gl, fields: this.internFields(row.fields), greenland: row.greenland });
    let versions = this.versionsOfSubject.get(subjectId);
    if (!versions) this.versionsOfSubject.set(subjectId, (versions = new Set()));
    versions.add(key);
  }

  private indexListDispatch(row: ListDispatchRow): void {
    const key = versionKey(row.diagnosis_id, row.list_version);
    let dispatches = this.dispatchesOfVersion.get(key);
    if (!dispatches) this.dispatchesOfVersion.set(key, (dispatches = []));
    dispatches.push({ ...row, recipient_id: this.intern(row.recipient_id), diagnosis_id: this.intern(row.diagnosis_id) });
    this.dispatchIds.add(row.dispatch_id);
  }

  private intern(id: string): string {
    const known = this.interned.get(id);
    if (known !== undefined) return known;
    this.interned.set(id, id);
    return id;
  }

  private internFields(fields: ContactField[]): ContactField[] {
    const key = fields.join(',');
    const known = this.internedFields.get(key);
    if (known !== undefined) return known;
    this.internedFields.set(key, fields);
    return fields;
  }

  private indexView(row: ViewRow): void {
    this.viewersOf.set(row.subject_id, (this.viewersOf.get(row.subject_id) ?? new Set()).add(row.recipient_id));
  }

  private indexCorrection(row: CorrectionRow): void {
    this.correctionsOf.set(row.recipient_id, (this.correctionsOf.get(row.recipient_id) ?? new Set()).add(row.subject_id));
  }

  private indexNotice(row: NoticeRow): void {
    this.noticedCopies.add(`${row.recipient_id}|${row.subject_id}|${row.list_reference}`);
  }
}
