import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface Size {
  readonly cols: number;
  readonly rows: number;
}

function read(stdout: NodeJS.WriteStream): Size {
  return { cols: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** The terminal's size, following resizes. */
export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState<Size>(() => read(stdout));
  useEffect(() => {
    const onResize = () => setSize(read(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
