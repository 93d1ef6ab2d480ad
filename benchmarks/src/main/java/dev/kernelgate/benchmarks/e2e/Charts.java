package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of latency distributions: one cumulative curve per measured path. */
final class Charts {
    private Charts() {
    }

    /** Writes {@code file}: x = latency (ms, log scale when the spread is wide), y = share of requests at most x. */
    static void latencyCdf(Path file, String title, List<Distribution> distributions) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle("latency (ms)").yAxisTitle("percentile").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Distribution d : distributions) {
            if (d.count() == 0) {
                continue;
            }
            double[] x = d.sorted();
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = 100.0 * (i + 1) / x.length;
            }
            min = Math.min(min, x[0]);
            max = Math.max(max, x[x.length - 1]);
            chart.addSeries(d.label(), x, y).setMarker(SeriesMarkers.NONE);
        }
        if (max > 0 && min > 0 && max / min > 20) {
            chart.getStyler().setXAxisLogarithmic(true);
        }
        Files.createDirectories(file.getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
