import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { diffProjects, packProjectFile, projectSettings, projectXmlOf, readProjectFile } from './project-file.ts';

const project = (model: string, settings = '<Settings SipPort="5060" SafetyMute="0"/>') =>
  `\ufeff<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Project Model="${model}" Stack="Boardroom">` +
  `${settings}<Macros><Macro Name="SYSON" Description="System On"/><Macro Name="SYSOFF" Description="System Off"/></Macros>` +
  `</Project></Root>`;

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('project files', () => {
  it('reads the one XML file of the ZIP and the model it names', () => {
    const file = readProjectFile(packProjectFile('Boardroom', project('CONVERGE_PRO_2_128T')));
    expect(file.model).toBe('CONVERGE_PRO_2_128T');
    expect(file.xml.startsWith('<?xml')).toBe(true);
  });

  it('refuses what is not a complete project file before anything is stored', () => {
    const good = packProjectFile('Boardroom', project('CONVERGE_PRO_2_128T'));
    expect(codeOf(() => readProjectFile(Buffer.from('just text')))).toBe('CONFIGURATION_FILE_INVALID');
    expect(codeOf(() => readProjectFile(good.subarray(0, good.byteLength - 30)))).toBe('CONFIGURATION_FILE_INVALID');
    const two = zipSync({ 'a.xml': new TextEncoder().encode(project('CONVERGE_HUDDLE')), 'b.xml': new Uint8Array(1) });
    expect(codeOf(() => readProjectFile(two))).toBe('CONFIGURATION_FILE_INVALID');
    expect(codeOf(() => readProjectFile(packProjectFile('x', '<Root Version="9"><Project/></Root>')))).toBe(
      'CONFIGURATION_FILE_INVALID',
    );
    expect(codeOf(() => readProjectFile(packProjectFile('x', '<Root><Project Model="X"')))).not.toBe('no error');
  });

  it('tags a P-Link peripheral project by the Model of its <Peripheral> element', () => {
    const peripheral = (model: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Peripheral Model="${model}" Serial="0310-1" ` +
      `Name="Ceiling"><Settings Gain="-6" Mute="0" Aec="1"/></Peripheral></Root>`;
    expect(readProjectFile(packProjectFile('Ceiling', peripheral('BMA_360'))).model).toBe('BMA_360');
    expect(readProjectFile(packProjectFile('Wireless', peripheral('DIALOG_20'))).model).toBe('DIALOG_20');
    expect(codeOf(() => readProjectFile(packProjectFile('x', peripheral('BMA_999'))))).toBe(
      'CONFIGURATION_WRONG_MODEL',
    );
  });

  it('refuses a project for a model Tutti does not know', () => {
    expect(codeOf(() => readProjectFile(packProjectFile('x', project('CONVERGE_PRO_3'))))).toBe(
      'CONFIGURATION_WRONG_MODEL',
    );
  });

  it('takes a backup as the unit saved it (bare XML) or as a project file', () => {
    const xml = project('CONVERGE_HUDDLE');
    expect(projectXmlOf(Buffer.from(xml))).toBe(xml.slice(1));
    expect(projectXmlOf(packProjectFile('p', xml))).toBe(xml.slice(1));
  });

  it('flattens settings by path, naming repeated elements by their Name', () => {
    const settings = projectSettings(project('CONVERGE_HUDDLE'));
    expect(settings.get('Root/Project/Settings@SipPort')).toBe('5060');
    expect(settings.get('Root/Project/Macros/Macro[SYSOFF]@Description')).toBe('System Off');
    expect(settings.get('Root@Version')).toBe('9');
  });

  it('lists added, removed and changed settings with before and after', () => {
    const before = project('CONVERGE_HUDDLE', '<Settings SipPort="5060" SafetyMute="0"/>');
    const after = project('CONVERGE_HUDDLE', '<Settings SipPort="5061" RtpBase="30000"/>');
    expect(diffProjects(before, after)).toEqual([
      { path: 'Root/Project/Settings@RtpBase', change: 'added', before: null, after: '30000' },
      { path: 'Root/Project/Settings@SafetyMute', change: 'removed', before: '0', after: null },
      { path: 'Root/Project/Settings@SipPort', change: 'changed', before: '5060', after: '5061' },
    ]);
    expect(diffProjects(before, before)).toEqual([]);
  });
});
