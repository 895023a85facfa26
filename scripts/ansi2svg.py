#!/usr/bin/env python3
"""Turn a terminal capture with SGR colour escapes (`tmux capture-pane -e -p`) into an SVG.

Usage: ansi2svg.py CAPTURE.ansi COLUMNS ROWS > OUT.svg

Every cell is drawn at a fixed width (textLength), so the picture keeps the terminal's
grid whatever monospace font the viewer has. Used by scripts/screenshot.sh; nothing in
the picture is drawn by hand.
"""
import html
import re
import sys

# xterm's 16 colours (the defaults of most terminals' "xterm" scheme).
BASE16 = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
]
FG, BG = "#d0d0d0", "#1c1c1c"
CW, CH, FONT = 8.4, 17, 14


def c256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        lv = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (lv[n // 36], lv[(n // 6) % 6], lv[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


def colour(params, i):
    """An extended colour (38/48;5;n or 38/48;2;r;g;b) at params[i]: (colour, next index)."""
    if i + 1 < len(params) and params[i + 1] == 5 and i + 2 < len(params):
        return c256(params[i + 2]), i + 3
    if i + 1 < len(params) and params[i + 1] == 2 and i + 4 < len(params):
        r, g, b = params[i + 2:i + 5]
        return "#%02x%02x%02x" % (r, g, b), i + 5
    return None, len(params)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.under = self.rev = False

    def sgr(self, params):
        params = params or [0]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 3:
                self.italic = True
            elif p == 4:
                self.under = True
            elif p == 7:
                self.rev = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 23:
                self.italic = False
            elif p == 24:
                self.under = False
            elif p == 27:
                self.rev = False
            elif 30 <= p <= 37:
                self.fg = BASE16[p - 30]
            elif 90 <= p <= 97:
                self.fg = BASE16[p - 90 + 8]
            elif 40 <= p <= 47:
                self.bg = BASE16[p - 40]
            elif 100 <= p <= 107:
                self.bg = BASE16[p - 100 + 8]
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p in (38, 48):
                c, i = colour(params, i)
                if p == 38:
                    self.fg = c
                else:
                    self.bg = c
                continue
            i += 1

    def style(self):
        fg, bg = self.fg or FG, self.bg
        if self.rev:
            fg, bg = (self.bg or BG), (self.fg or FG)
        return (fg, bg, self.bold, self.dim, self.italic, self.under)


ESC = re.compile(r"\x1b\[([0-9;:]*)([A-Za-z])|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def cells(line, pen):
    out = []
    pos = 0
    for m in ESC.finditer(line):
        out.extend((ch, pen.style()) for ch in line[pos:m.start()])
        if m.group(2) == "m":
            pen.sgr([int(x) if x else 0 for x in re.split("[;:]", m.group(1))] if m.group(1) else [0])
        pos = m.end()
    out.extend((ch, pen.style()) for ch in line[pos:])
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: ansi2svg.py CAPTURE.ansi COLUMNS ROWS > OUT.svg")
    cols, rows = int(sys.argv[2]), int(sys.argv[3])
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:rows]
    w, h = cols * CW, rows * CH
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h + 8:.0f}" '
         f'viewBox="0 0 {w:.0f} {h + 8:.0f}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
         f'font-size="{FONT}">',
         f'<rect width="100%" height="100%" fill="{BG}"/>']
    pen = Pen()
    for y, line in enumerate(lines):
        row = cells(line, pen)[:cols]
        # Runs of one style: one rect (background) and one text each.
        x = 0
        while x < len(row):
            st = row[x][1]
            e = x
            while e < len(row) and row[e][1] == st:
                e += 1
            text = "".join(ch for ch, _ in row[x:e])
            fg, bg, bold, dim, italic, under = st
            if bg:
                o.append(f'<rect x="{x * CW:.1f}" y="{y * CH + 4}" width="{(e - x) * CW:.1f}" '
                         f'height="{CH}" fill="{bg}"/>')
            if text.strip():
                attrs = [f'x="{x * CW:.1f}"', f'y="{(y + 1) * CH}"', f'fill="{fg}"',
                         f'textLength="{(e - x) * CW:.1f}"', 'lengthAdjust="spacingAndGlyphs"']
                if bold:
                    attrs.append('font-weight="bold"')
                if dim:
                    attrs.append('opacity="0.6"')
                if italic:
                    attrs.append('font-style="italic"')
                if under:
                    attrs.append('text-decoration="underline"')
                o.append(f'<text xml:space="preserve" {" ".join(attrs)}>{html.escape(text)}</text>')
            x = e
    o.append("</svg>")
    print("\n".join(o))


main()
