// libgpiod 1.6 (Debian bookworm's libgpiod-dev): the character-device GPIO API.
// Everything it declares imports into Swift as it is; nothing needs a shim.
#include <gpiod.h>
