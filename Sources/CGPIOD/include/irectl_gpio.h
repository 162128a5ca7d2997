// The board's GPIO lines through libgpiod, whichever major version is installed: 1.x (the v1
// API: Debian bookworm, Raspberry Pi OS bookworm) or 2.x (the v2 API: trixie, bookworm-backports).
// The version is chosen when this target is compiled, from the gpiod.h it finds; Swift sees only
// this header, the same for both.
//
// Conventions: a function returning int returns -1 with errno set on failure; one returning a
// pointer returns NULL with errno set. Nothing here retries EINTR: the Swift side does, in one
// place (SystemCall).
#ifndef IRECTL_GPIO_H
#define IRECTL_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The libgpiod API this target was compiled against: 1 or 2.
int irectl_gpio_api(void);
/// The library's own version string, e.g. "1.6.3" (gpiod_version_string) or "2.1.3"
/// (gpiod_api_version).
const char *irectl_gpio_library_version(void);

/// An open GPIO chip (`gpiod_chip_open`): its name (gpiochipN), label and number of lines.
typedef struct irectl_gpio_chip irectl_gpio_chip;

irectl_gpio_chip *irectl_gpio_chip_open(const char *path);
/// Closes the chip. Requests made on it must have been released first.
void irectl_gpio_chip_close(irectl_gpio_chip *chip);
const char *irectl_gpio_chip_name(const irectl_gpio_chip *chip);
const char *irectl_gpio_chip_label(const irectl_gpio_chip *chip);
unsigned int irectl_gpio_chip_num_lines(const irectl_gpio_chip *chip);

/// The name of line `offset` (`gpio-line-names`), copied into `buffer`; "" when it has none.
int irectl_gpio_line_name(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size);
/// Whether line `offset` is in use (1) or free (0); the holder's consumer name, if any, in
/// `buffer`. Read from the kernel now, not from what this process remembers.
int irectl_gpio_line_consumer(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size);

/// How the kernel stamps a line's edge events.
typedef enum {
  /// libgpiod 1.x can neither set nor read the clock.
  IRECTL_GPIO_CLOCK_UNREPORTED = 0,
  IRECTL_GPIO_CLOCK_MONOTONIC = 1,
  IRECTL_GPIO_CLOCK_REALTIME = 2,
  IRECTL_GPIO_CLOCK_HTE = 3,
} irectl_gpio_clock;

/// The event clock of line `offset` as the kernel reports it (`gpiod_line_info_get_event_clock`);
/// IRECTL_GPIO_CLOCK_UNREPORTED with libgpiod 1.x.
int irectl_gpio_line_event_clock(irectl_gpio_chip *chip, unsigned int offset);

typedef enum {
  IRECTL_GPIO_INPUT = 0,
  IRECTL_GPIO_OUTPUT = 1,
  /// An input whose rising edges are queued with the kernel's timestamp on CLOCK_MONOTONIC.
  IRECTL_GPIO_RISING_EDGES = 2,
} irectl_gpio_mode;

typedef enum {
  IRECTL_GPIO_BIAS_AS_IS = 0,
  IRECTL_GPIO_BIAS_DISABLED = 1,
  IRECTL_GPIO_BIAS_PULL_UP = 2,
  IRECTL_GPIO_BIAS_PULL_DOWN = 3,
} irectl_gpio_bias;

/// One line of a request. Values are logical: with `active_low` the kernel inverts them.
typedef struct {
  unsigned int offset;
  irectl_gpio_mode mode;
  irectl_gpio_bias bias;
  bool active_low;
  /// An output's value from the moment it is requested (the kernel sets it with the request).
  bool initial;
} irectl_gpio_line_config;

/// Lines of one chip, requested together under one consumer name and held until released.
/// With libgpiod 2.x this is one `gpiod_line_request` for all of them; with 1.x one
/// `gpiod_line_request` per line, all or none. At most one line may watch edges. Lines are
/// addressed by their index in the request.
typedef struct irectl_gpio_request irectl_gpio_request;

irectl_gpio_request *irectl_gpio_request_lines(
  irectl_gpio_chip *chip, const char *consumer, const irectl_gpio_line_config *lines, size_t count);
void irectl_gpio_request_release(irectl_gpio_request *request);

/// The line's logical value: 0 or 1.
int irectl_gpio_get_value(irectl_gpio_request *request, size_t index);
int irectl_gpio_set_value(irectl_gpio_request *request, size_t index, bool value);

/// An edge event, as the kernel queued it.
typedef struct {
  bool rising;
  /// The kernel's timestamp, on the line's event clock.
  uint64_t timestamp_ns;
  /// The event's number in the sequence of this line's events since the request, from 1; the
  /// kernel numbers an event even when its queue was full and the event was dropped, so a gap
  /// is a lost edge. 0 with libgpiod 1.x, which does not report it.
  uint32_t line_seqno;
} irectl_gpio_edge;

/// Waits up to `timeout_ns` for an edge on the request's edge line: 1 when one is queued, 0 at
/// the timeout.
int irectl_gpio_wait_edge(irectl_gpio_request *request, int64_t timeout_ns);
/// Reads the oldest queued edge: 1 with `edge` filled. Call after a wait returned 1.
int irectl_gpio_read_edge(irectl_gpio_request *request, irectl_gpio_edge *edge);

#endif
