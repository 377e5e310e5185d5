import { unzipSync, zipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { appError, deviceModelSchema, isAppError, type DeviceModel, type SettingChange } from '@tutti/protocol';

/** Largest XML a project file may unpack to: a ZIP that inflates past this is refused rather than read. */
const MAX_PROJECT_XML_BYTES = 16 * 1024 * 1024;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const BOM = '\ufeff';

export interface ProjectFile {
  /** The project XML, without a byte-order mark. */
  xml: string;
  /** The model the project is for. */
  model: DeviceModel;
}

function isZip(content: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, index) => content[index] === byte);
}

function invalid(reason: string): never {
  throw appError('CONFIGURATION_FILE_INVALID', { reason });
}

/** The single XML file of a `.PCCP2X`-like ZIP (DEVICE-PROTOCOL.md §4). */
function unpackXml(content: Uint8Array): string {
  if (!isZip(content)) invalid('not a ZIP file');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(content, {
      filter: (file) => {
        if (file.originalSize > MAX_PROJECT_XML_BYTES) invalid('the project inflates past the size limit');
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    if (isAppError(error)) throw error;
    invalid('the ZIP is damaged or incomplete');
  }
  const names = Object.keys(entries);
  if (names.length !== 1) invalid(`the ZIP holds ${names.length} files, a project file holds exactly one`);
  return decodeXml(entries[names[0]!]!);
}

function decodeXml(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    invalid('the project is not UTF-8 text');
  }
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** A node of fast-xml-parser's ordered output: `{ <tag>: children, ':@': attributes }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function parseXml(xml: string): OrderedNode[] {
  try {
    const nodes = parser.parse(xml, true) as unknown;
    if (!Array.isArray(nodes)) invalid('the project XML is unreadable');
    return nodes as OrderedNode[];
  } catch (error) {
    if (isAppError(error)) throw error;
    return invalid('the project XML is unreadable');
  }
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text');
}

function attributesOf(node: OrderedNode): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {};
}

/**
 * The model a project names. CONSOLE projects keep the unit type in their box records; Tutti's simulators and
 * peripheral projects carry it as a `Model` attribute on the element under `<Root>` ([INV], DEVICE-PROTOCOL.md §6.5).
 */
function modelOf(nodes: OrderedNode[]): DeviceModel {
  const root = nodes.find((node) => tagOf(node) === 'Root');
  if (!root) invalid('the XML has no <Root> element');
  for (const child of root.Root as OrderedNode[]) {
    const model = attributesOf(child).Model;
    if (model === undefined) continue;
    const parsed = deviceModelSchema.safeParse(model);
    if (!parsed.success) throw appError('CONFIGURATION_WRONG_MODEL', { model, reason: 'unknown model' });
    return parsed.data;
  }
  return invalid('the project names no model');
}

/** Reads and checks a project file for the library: one XML file in a ZIP, naming a known model. */
export function readProjectFile(content: Uint8Array): ProjectFile {
  const xml = unpackXml(content);
  return { xml, model: modelOf(parseXml(xml)) };
}

/** The project XML of a stored configuration: the unpacked ZIP, or the XML itself as a unit's CONFIG_SAVE returns it. */
export function projectXmlOf(content: Uint8Array): string {
  return isZip(content) ? unpackXml(content) : decodeXml(content);
}

/** A project file holding `xml` as `<name>.xml`, as CONSOLE writes them (downloads, tests). */
export function packProjectFile(name: string, xml: string): Buffer {
  return Buffer.from(zipSync({ [`${name}.xml`]: new TextEncoder().encode(xml) }, { level: 6, mtime: '2000-01-01' }));
}

/**
 * Every setting of a project as `path → value`: attributes as `Element@Name`, text as the element's path. Repeated
 * elements are told apart by their `Name`/`Id` attribute when they have one (so an inserted macro does not shift
 * every later one), otherwise by their position `[n]`.
 */
export function projectSettings(xml: string): Map<string, string> {
  const settings = new Map<string, string>();
  const walk = (nodes: OrderedNode[], prefix: string) => {
    const counts = new Map<string, number>();
    for (const node of nodes) {
      const tag = tagOf(node);
      if (tag) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    const seen = new Map<string, number>();
    for (const node of nodes) {
      if ('#text' in node) {
        settings.set(prefix, String(node['#text']));
        continue;
      }
      const tag = tagOf(node);
      if (!tag) continue;
      const attributes = attributesOf(node);
      const position = (seen.get(tag) ?? 0) + 1;
      seen.set(tag, position);
      const key = attributes.Name ?? attributes.Id;
      const step =
        (counts.get(tag) ?? 0) < 2 ? tag : key !== undefined ? `${tag}[${key}]` : `${tag}[${String(position)}]`;
      const path = prefix ? `${prefix}/${step}` : step;
      for (const [name, value] of Object.entries(attributes)) settings.set(`${path}@${name}`, value);
      walk(node[tag] as OrderedNode[], path);
    }
  };
  walk(parseXml(xml), '');
  return settings;
}

/** The settings that differ between two projects, in path order. */
export function diffProjects(beforeXml: string, afterXml: string): SettingChange[] {
  const before = projectSettings(beforeXml);
  const after = projectSettings(afterXml);
  const changes: SettingChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(path);
    const now = after.get(path);
    if (old === now) continue;
    changes.push({
      path,
      change: old === undefined ? 'added' : now === undefined ? 'removed' : 'changed',
      before: old ?? null,
      after: now ?? null,
    });
  }
  return changes;
}
