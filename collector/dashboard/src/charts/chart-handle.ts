import type uPlot from 'uplot';

/** A drawn chart and how to take it down (its resize observer included). */
export interface ChartHandle {
  plot: uPlot;
  destroy(): void;
}

/**
 * Keeps a chart as wide as its container. The container is measured, not the window, so a
 * chart in a half-width panel follows its panel.
 */
export function fitWidth(container: HTMLElement, plot: uPlot, height: number): ChartHandle {
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const width = Math.floor(container.clientWidth);
      if (width > 0 && width !== plot.width) plot.setSize({ width, height });
    });
  });
  observer.observe(container);
  return {
    plot,
    destroy() {
      cancelAnimationFrame(frame);
      observer.disconnect();
      plot.destroy();
    },
  };
}

/** Width for a new chart: its container's, or a sensible default before layout. */
export const widthOf = (container: HTMLElement) => Math.max(240, Math.floor(container.clientWidth) || 600);

/** A y axis as wide as its longest label (uPlot's fixed default cuts `2,400 ms`). */
export const axisWidth = (_u: unknown, values: string[] | null) => (values?.length ? Math.max(...values.map((v) => v.length)) * 7 + 18 : 40);
