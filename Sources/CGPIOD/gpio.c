// One API over libgpiod 1.x and 2.x (include/irectl_gpio.h). Which one is compiled is decided by
// the installed gpiod.h: only the v1 header defines GPIOD_LINE_BULK_MAX_LINES.
#include "irectl_gpio.h"

#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef GPIOD_LINE_BULK_MAX_LINES
#define IRECTL_GPIOD_API 1
#else
#define IRECTL_GPIOD_API 2
#endif

// The kernel's limit for chip names and labels is 32 bytes with the terminator.
#define IRECTL_NAME_SIZE 32

struct irectl_gpio_chip {
  struct gpiod_chip *chip;
  char name[IRECTL_NAME_SIZE];
  char label[IRECTL_NAME_SIZE];
  unsigned int num_lines;
};

struct irectl_gpio_request {
  size_t count;
  /// The index of the line that watches edges, or -1.
  long edge_index;
#if IRECTL_GPIOD_API == 1
  struct gpiod_line *lines[GPIOD_LINE_BULK_MAX_LINES];
#else
  struct gpiod_line_request *request;
  struct gpiod_edge_event_buffer *events;
  unsigned int offsets[];
#endif
};

int irectl_gpio_api(void) { return IRECTL_GPIOD_API; }

const char *irectl_gpio_chip_name(const irectl_gpio_chip *chip) { return chip->name; }
const char *irectl_gpio_chip_label(const irectl_gpio_chip *chip) { return chip->label; }
unsigned int irectl_gpio_chip_num_lines(const irectl_gpio_chip *chip) { return chip->num_lines; }

static void copy_text(char *buffer, size_t size, const char *text) {
  if (size == 0) return;
  if (text == NULL) text = "";
  strncpy(buffer, text, size - 1);
  buffer[size - 1] = '\0';
}

/// Checks the lines of a request before anything is asked of the kernel: at most one edge
/// line, and every offset on the chip.
static int check_lines(const irectl_gpio_chip *chip, const irectl_gpio_line_config *lines, size_t count,
                       long *edge_index) {
  *edge_index = -1;
  if (count == 0) return -1;
  for (size_t i = 0; i < count; i++) {
    if (lines[i].offset >= chip->num_lines) return -1;
    if (lines[i].mode == IRECTL_GPIO_RISING_EDGES) {
      if (*edge_index >= 0) return -1;
      *edge_index = (long)i;
    }
  }
  return 0;
}

#if IRECTL_GPIOD_API == 1

const char *irectl_gpio_library_version(void) { return gpiod_version_string(); }

irectl_gpio_chip *irectl_gpio_chip_open(const char *path) {
  irectl_gpio_chip *chip = calloc(1, sizeof *chip);
  if (chip == NULL) return NULL;
  chip->chip = gpiod_chip_open(path);
  if (chip->chip == NULL) {
    int saved = errno;
    free(chip);
    errno = saved;
    return NULL;
  }
  copy_text(chip->name, sizeof chip->name, gpiod_chip_name(chip->chip));
  copy_text(chip->label, sizeof chip->label, gpiod_chip_label(chip->chip));
  chip->num_lines = gpiod_chip_num_lines(chip->chip);
  return chip;
}

void irectl_gpio_chip_close(irectl_gpio_chip *chip) {
  if (chip == NULL) return;
  gpiod_chip_close(chip->chip);
  free(chip);
}

static struct gpiod_line *chip_line(irectl_gpio_chip *chip, unsigned int offset) {
  if (offset >= chip->num_lines) {
    errno = EINVAL;
    return NULL;
  }
  return gpiod_chip_get_line(chip->chip, offset);
}

int irectl_gpio_line_name(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size) {
  struct gpiod_line *line = chip_line(chip, offset);
  if (line == NULL) return -1;
  copy_text(buffer, size, gpiod_line_name(line));
  return 0;
}

int irectl_gpio_line_consumer(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size) {
  struct gpiod_line *line = chip_line(chip, offset);
  if (line == NULL || gpiod_line_update(line) < 0) return -1;
  copy_text(buffer, size, gpiod_line_consumer(line));
  return gpiod_line_is_used(line) ? 1 : 0;
}

int irectl_gpio_line_event_clock(irectl_gpio_chip *chip, unsigned int offset) {
  (void)chip;
  (void)offset;
  return IRECTL_GPIO_CLOCK_UNREPORTED;
}

irectl_gpio_request *irectl_gpio_request_lines(
  irectl_gpio_chip *chip, const char *consumer, const irectl_gpio_line_config *lines, size_t count) {
  long edge_index;
  if (count > GPIOD_LINE_BULK_MAX_LINES || check_lines(chip, lines, count, &edge_index) < 0) {
    errno = EINVAL;
    return NULL;
  }
  irectl_gpio_request *request = calloc(1, sizeof *request);
  if (request == NULL) return NULL;
  request->edge_index = edge_index;
  // v1 requests lines one by one (a bulk request wants one configuration for all): all or none.
  for (size_t i = 0; i < count; i++) {
    const irectl_gpio_line_config *line = &lines[i];
    int flags = line->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (line->bias) {
    case IRECTL_GPIO_BIAS_AS_IS: break;
    case IRECTL_GPIO_BIAS_DISABLED: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case IRECTL_GPIO_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case IRECTL_GPIO_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    }
    int type = GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    if (line->mode == IRECTL_GPIO_OUTPUT) type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    if (line->mode == IRECTL_GPIO_RISING_EDGES) type = GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    struct gpiod_line_request_config config = {.consumer = consumer, .request_type = type, .flags = flags};
    struct gpiod_line *handle = gpiod_chip_get_line(chip->chip, line->offset);
    if (handle == NULL || gpiod_line_request(handle, &config, line->initial ? 1 : 0) < 0) {
      int saved = errno;
      for (size_t j = 0; j < i; j++) gpiod_line_release(request->lines[j]);
      free(request);
      errno = saved;
      return NULL;
    }
    request->lines[i] = handle;
    request->count = i + 1;
  }
  return request;
}

void irectl_gpio_request_release(irectl_gpio_request *request) {
  if (request == NULL) return;
  for (size_t i = 0; i < request->count; i++) gpiod_line_release(request->lines[i]);
  free(request);
}

int irectl_gpio_get_value(irectl_gpio_request *request, size_t index) {
  if (index >= request->count) {
    errno = EINVAL;
    return -1;
  }
  return gpiod_line_get_value(request->lines[index]);
}

int irectl_gpio_set_value(irectl_gpio_request *request, size_t index, bool value) {
  if (index >= request->count) {
    errno = EINVAL;
    return -1;
  }
  return gpiod_line_set_value(request->lines[index], value ? 1 : 0);
}

int irectl_gpio_wait_edge(irectl_gpio_request *request, int64_t timeout_ns) {
  if (request->edge_index < 0) {
    errno = EINVAL;
    return -1;
  }
  if (timeout_ns < 0) timeout_ns = 0;
  struct timespec timeout = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
  return gpiod_line_event_wait(request->lines[request->edge_index], &timeout);
}

int irectl_gpio_read_edge(irectl_gpio_request *request, irectl_gpio_edge *edge) {
  if (request->edge_index < 0) {
    errno = EINVAL;
    return -1;
  }
  struct gpiod_line_event event;
  if (gpiod_line_event_read(request->lines[request->edge_index], &event) < 0) return -1;
  edge->rising = event.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
  edge->timestamp_ns = (uint64_t)event.ts.tv_sec * 1000000000u + (uint64_t)event.ts.tv_nsec;
  edge->line_seqno = 0;
  return 1;
}

#else  // libgpiod 2.x

const char *irectl_gpio_library_version(void) { return gpiod_api_version(); }

irectl_gpio_chip *irectl_gpio_chip_open(const char *path) {
  irectl_gpio_chip *chip = calloc(1, sizeof *chip);
  if (chip == NULL) return NULL;
  chip->chip = gpiod_chip_open(path);
  struct gpiod_chip_info *info = chip->chip == NULL ? NULL : gpiod_chip_get_info(chip->chip);
  if (info == NULL) {
    int saved = errno;
    if (chip->chip != NULL) gpiod_chip_close(chip->chip);
    free(chip);
    errno = saved;
    return NULL;
  }
  copy_text(chip->name, sizeof chip->name, gpiod_chip_info_get_name(info));
  copy_text(chip->label, sizeof chip->label, gpiod_chip_info_get_label(info));
  chip->num_lines = (unsigned int)gpiod_chip_info_get_num_lines(info);
  gpiod_chip_info_free(info);
  return chip;
}

void irectl_gpio_chip_close(irectl_gpio_chip *chip) {
  if (chip == NULL) return;
  gpiod_chip_close(chip->chip);
  free(chip);
}

static struct gpiod_line_info *line_info(irectl_gpio_chip *chip, unsigned int offset) {
  if (offset >= chip->num_lines) {
    errno = EINVAL;
    return NULL;
  }
  return gpiod_chip_get_line_info(chip->chip, offset);
}

int irectl_gpio_line_name(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size) {
  struct gpiod_line_info *info = line_info(chip, offset);
  if (info == NULL) return -1;
  copy_text(buffer, size, gpiod_line_info_get_name(info));
  gpiod_line_info_free(info);
  return 0;
}

int irectl_gpio_line_consumer(irectl_gpio_chip *chip, unsigned int offset, char *buffer, size_t size) {
  struct gpiod_line_info *info = line_info(chip, offset);
  if (info == NULL) return -1;
  copy_text(buffer, size, gpiod_line_info_get_consumer(info));
  int used = gpiod_line_info_is_used(info) ? 1 : 0;
  gpiod_line_info_free(info);
  return used;
}

int irectl_gpio_line_event_clock(irectl_gpio_chip *chip, unsigned int offset) {
  struct gpiod_line_info *info = line_info(chip, offset);
  if (info == NULL) return -1;
  enum gpiod_line_clock clock = gpiod_line_info_get_event_clock(info);
  gpiod_line_info_free(info);
  switch (clock) {
  case GPIOD_LINE_CLOCK_MONOTONIC: return IRECTL_GPIO_CLOCK_MONOTONIC;
  case GPIOD_LINE_CLOCK_REALTIME: return IRECTL_GPIO_CLOCK_REALTIME;
  case GPIOD_LINE_CLOCK_HTE: return IRECTL_GPIO_CLOCK_HTE;
  }
  return IRECTL_GPIO_CLOCK_UNREPORTED;
}

/// The settings of one line. The edge line's events are stamped on CLOCK_MONOTONIC, said
/// explicitly: the sequencer compares them with clock_gettime(CLOCK_MONOTONIC).
static int apply_settings(struct gpiod_line_settings *settings, const irectl_gpio_line_config *line) {
  gpiod_line_settings_reset(settings);
  int failed = 0;
  if (line->mode == IRECTL_GPIO_OUTPUT) {
    failed |= gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
    failed |= gpiod_line_settings_set_output_value(
      settings, line->initial ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
  } else {
    failed |= gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
  }
  if (line->mode == IRECTL_GPIO_RISING_EDGES) {
    failed |= gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_RISING);
    failed |= gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
  }
  enum gpiod_line_bias bias = GPIOD_LINE_BIAS_AS_IS;
  switch (line->bias) {
  case IRECTL_GPIO_BIAS_AS_IS: break;
  case IRECTL_GPIO_BIAS_DISABLED: bias = GPIOD_LINE_BIAS_DISABLED; break;
  case IRECTL_GPIO_BIAS_PULL_UP: bias = GPIOD_LINE_BIAS_PULL_UP; break;
  case IRECTL_GPIO_BIAS_PULL_DOWN: bias = GPIOD_LINE_BIAS_PULL_DOWN; break;
  }
  failed |= gpiod_line_settings_set_bias(settings, bias);
  gpiod_line_settings_set_active_low(settings, line->active_low);
  return failed ? -1 : 0;
}

irectl_gpio_request *irectl_gpio_request_lines(
  irectl_gpio_chip *chip, const char *consumer, const irectl_gpio_line_config *lines, size_t count) {
  long edge_index;
  if (check_lines(chip, lines, count, &edge_index) < 0) {
    errno = EINVAL;
    return NULL;
  }
  irectl_gpio_request *request = calloc(1, sizeof *request + count * sizeof(unsigned int));
  struct gpiod_line_settings *settings = gpiod_line_settings_new();
  struct gpiod_line_config *config = gpiod_line_config_new();
  struct gpiod_request_config *request_config = gpiod_request_config_new();
  int saved = ENOMEM;
  if (request == NULL || settings == NULL || config == NULL || request_config == NULL) goto failed;
  request->count = count;
  request->edge_index = edge_index;
  saved = EINVAL;
  for (size_t i = 0; i < count; i++) {
    request->offsets[i] = lines[i].offset;
    if (apply_settings(settings, &lines[i]) < 0) goto failed;
    if (gpiod_line_config_add_line_settings(config, &lines[i].offset, 1, settings) < 0) {
      saved = errno;
      goto failed;
    }
  }
  gpiod_request_config_set_consumer(request_config, consumer);
  // One request for all the chip's lines: one file descriptor, one edge queue.
  request->request = gpiod_chip_request_lines(chip->chip, request_config, config);
  if (request->request == NULL) {
    saved = errno;
    goto failed;
  }
  if (edge_index >= 0) {
    // The kernel queues the events; one at a time is read from that queue.
    request->events = gpiod_edge_event_buffer_new(1);
    if (request->events == NULL) {
      saved = ENOMEM;
      gpiod_line_request_release(request->request);
      goto failed;
    }
  }
  gpiod_request_config_free(request_config);
  gpiod_line_config_free(config);
  gpiod_line_settings_free(settings);
  return request;

failed:
  if (request_config != NULL) gpiod_request_config_free(request_config);
  if (config != NULL) gpiod_line_config_free(config);
  if (settings != NULL) gpiod_line_settings_free(settings);
  free(request);
  errno = saved;
  return NULL;
}

void irectl_gpio_request_release(irectl_gpio_request *request) {
  if (request == NULL) return;
  gpiod_line_request_release(request->request);
  if (request->events != NULL) gpiod_edge_event_buffer_free(request->events);
  free(request);
}

int irectl_gpio_get_value(irectl_gpio_request *request, size_t index) {
  if (index >= request->count) {
    errno = EINVAL;
    return -1;
  }
  enum gpiod_line_value value = gpiod_line_request_get_value(request->request, request->offsets[index]);
  if (value == GPIOD_LINE_VALUE_ERROR) return -1;
  return value == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0;
}

int irectl_gpio_set_value(irectl_gpio_request *request, size_t index, bool value) {
  if (index >= request->count) {
    errno = EINVAL;
    return -1;
  }
  return gpiod_line_request_set_value(
    request->request, request->offsets[index], value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
}

int irectl_gpio_wait_edge(irectl_gpio_request *request, int64_t timeout_ns) {
  if (request->edge_index < 0) {
    errno = EINVAL;
    return -1;
  }
  // Never negative: a negative timeout means "forever" to libgpiod 2.
  return gpiod_line_request_wait_edge_events(request->request, timeout_ns < 0 ? 0 : timeout_ns);
}

int irectl_gpio_read_edge(irectl_gpio_request *request, irectl_gpio_edge *edge) {
  if (request->edge_index < 0) {
    errno = EINVAL;
    return -1;
  }
  int count = gpiod_line_request_read_edge_events(request->request, request->events, 1);
  if (count < 0) return -1;
  if (count == 0) {
    errno = EAGAIN;
    return -1;
  }
  struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(request->events, 0);
  edge->rising = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
  edge->timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
  edge->line_seqno = (uint32_t)gpiod_edge_event_get_line_seqno(event);
  return 1;
}

#endif
