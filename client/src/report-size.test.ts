import { describe, expect, it } from 'vitest';
import { posInitialChunks, type Manifest } from '../scripts/report-size';

describe('posInitialChunks', () => {
  it('counts the entry, the POS route and their static imports, not dynamic ones', () => {
    const manifest: Manifest = {
      'index.html': {
        file: 'assets/index.js',
        isEntry: true,
        imports: ['_react.js'],
        dynamicImports: ['src/routes/pos/PosPage.tsx', 'src/routes/office/OfficePage.tsx'],
      },
      '_react.js': { file: 'assets/react.js' },
      '_sync.js': { file: 'assets/sync.js', imports: ['_react.js'] },
      'src/routes/pos/PosPage.tsx': { file: 'assets/pos.js', isDynamicEntry: true, imports: ['_sync.js'], dynamicImports: ['_qr.js'] },
      '_qr.js': { file: 'assets/qr.js' },
      'src/routes/office/OfficePage.tsx': { file: 'assets/office.js', isDynamicEntry: true, imports: ['_chart.js'] },
      '_chart.js': { file: 'assets/chart.js' },
    };
    expect(posInitialChunks(manifest).sort()).toEqual(['_react.js', '_sync.js', 'index.html', 'src/routes/pos/PosPage.tsx']);
    expect(() => posInitialChunks({ 'index.html': { file: 'a.js', isEntry: true } })).toThrow(/PosPage/);
  });
});
