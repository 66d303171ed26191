// One environment variable = one `Setting`: its name, its documented default, a one-line
// description and its parser, declared together so `--help`, the README and docs/operators.md are
// generated from the same object the configuration is read with (issue 13 part 4).
import net from 'node:net';

export type Env = Record<string, string | undefined>;

/** A configuration variable: how it is documented and how its value is read. */
export interface Setting<T, D = undefined> {
  readonly name: string;
  /** The default as documented, in Markdown (literal values in backticks). */
  readonly default: string;
  /** One line for `carrel --help` and the configuration tables, in Markdown. */
  readonly description: string;
  /** Turns the trimmed value (undefined when unset or blank) into T; a bad value adds a problem. */
  readonly parse: (value: string | undefined, r: Problems, deps: D) => T;
}

/** Where a parser reports a problem; every problem is collected and shown together. */
export interface Problems {
  problem(line: string): void;
}

/** Reads settings from one environment; a parse failure becomes a problem line naming the variable. */
export class EnvReader implements Problems {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  problem(line: string): void {
    this.problems.push(line);
  }

  read<T>(setting: Setting<T>): T;
  read<T, D>(setting: Setting<T, D>, deps: D): T;
  read<T, D>(setting: Setting<T, D>, deps?: D): T {
    return setting.parse(this.value(setting.name), this, deps as D);
  }

  /** Whether the variable is set to something other than blanks. */
  has<T, D>(setting: Setting<T, D>): boolean {
    return this.value(setting.name) !== undefined;
  }

  private value(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }
}

const code = (value: string | number | boolean) => `\`${value}\``;

/** A whole number from min to max. */
export function intSetting(
  name: string,
  o: { default: number; min: number; max: number; description: string },
): Setting<number> {
  return {
    name,
    default: code(o.default),
    description: o.description,
    parse(v, r) {
      if (v === undefined) return o.default;
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < o.min || n > o.max) {
        r.problem(`${name}=${JSON.stringify(v)} is not a whole number from ${o.min} to ${o.max}.`);
        return o.default;
      }
      return n;
    },
  };
}

const boolWords: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

/** true/false, yes/no, on/off or 1/0. */
export function boolSetting(name: string, o: { default: boolean; description: string }): Setting<boolean> {
  return {
    name,
    default: code(o.default),
    description: o.description,
    parse(v, r) {
      if (v === undefined) return o.default;
      const b = boolWords[v.toLowerCase()];
      if (b === undefined) {
        r.problem(`${name}=${JSON.stringify(v)} is not one of true/false, yes/no, on/off, 1/0.`);
        return o.default;
      }
      return b;
    },
  };
}

/** One word out of a fixed list. */
export function oneOfSetting<const T extends string>(
  name: string,
  o: { default: NoInfer<T>; allowed: readonly T[]; description: string },
): Setting<T> {
  return {
    name,
    default: code(o.default),
    description: o.description,
    parse(v, r) {
      if (v === undefined) return o.default;
      if (!(o.allowed as readonly string[]).includes(v)) {
        r.problem(`${name}=${JSON.stringify(v)} is not one of: ${o.allowed.join(', ')}.`);
        return o.default;
      }
      return v as T;
    },
  };
}

/** Any text, with a literal default. */
export function textSetting(name: string, o: { default: string; description: string }): Setting<string> {
  return { name, default: code(o.default), description: o.description, parse: (v) => v ?? o.default };
}

/** Any text or nothing; the caller checks it together with the variables it belongs with. */
export function optionalSetting(
  name: string,
  o: { default: string; description: string },
): Setting<string | undefined> {
  return { name, default: o.default, description: o.description, parse: (v) => v };
}

/** A comma-separated list, blanks dropped. */
export const listOf = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** An IPv4/IPv6 address, or one with a prefix length (10.1.0.0/16, 2001:db8::/32). */
export function isAddressOrCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  const family = net.isIP(addr ?? '');
  const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
  return family !== 0 && okBits && extra === undefined;
}

/** A comma-separated list of addresses or CIDR ranges. */
export function networksSetting(
  name: string,
  o: { default: string; description: string },
): Setting<string[]> {
  return {
    name,
    default: o.default,
    description: o.description,
    parse(v, r) {
      const entries = listOf(v);
      for (const e of entries)
        if (!isAddressOrCidr(e))
          r.problem(
            `${name} entry ${JSON.stringify(e)} is not an IP address or a CIDR range like 10.1.0.0/16.`,
          );
      return entries;
    },
  };
}
