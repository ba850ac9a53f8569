import { readRepoFile } from './repo';

export interface Instruction {
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions: continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) && current === '') continue;
    const continued = line.endsWith('\\');
    current += `${continued ? line.slice(0, -1) : line} `;
    if (continued) continue;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
  });
}

export function readDockerfile(name: string): Instruction[] {
  return parseDockerfile(readRepoFile('infra', 'docker', `${name}.Dockerfile`));
}

/** The instructions of the last stage (the image that runs). */
export function finalStage(instructions: readonly Instruction[]): Instruction[] {
  const start = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(start);
}

/** JSON-form arguments (`CMD ["node", …]`). */
export function execForm(args: string): string[] {
  return JSON.parse(args) as string[];
}
