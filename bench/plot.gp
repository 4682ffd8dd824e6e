# SPDX-License-Identifier: GPL-2.0
# The bench chart: simvmm / raw-KVM floor per case, with each case's goal.
# usage: gnuplot -e "datafile='ratios.dat'; outfile='ratios.svg'" plot.gp
set terminal svg size 720,360 dynamic font "sans,12"
set output outfile
set title "simvmm / raw-KVM floor (1.0 = as fast or small as raw KVM)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set yrange [0:*]
set grid ytics
set key outside top center horizontal
set xtics rotate by -15 noenhanced
set ylabel "ratio"
plot datafile using 2:xtic(1) title "simvmm / floor" linecolor rgb "#3b75af", \
     '' using 3 title "goal (at most; creation rate: at least)" linecolor rgb "#bbbbbb"
